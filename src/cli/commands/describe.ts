import type { Command } from 'commander';
import type {
  GlossaryLink,
  SchemaDiff,
  SchemaVersion,
  SecurableMetadata,
  TableDescription,
} from '../../catalog/index.js';
import {
  formatTableName,
  isEmptyDiff,
  parseSchemaId,
  parseTableName,
} from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import { printFields, printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

interface DescribeOptions {
  history?: boolean;
  diff?: string[];
  json?: boolean;
}

/** One row per change: what, which column, from, to. */
function diffRows(diff: SchemaDiff): string[][] {
  const optional = (required: boolean) => (required ? 'required' : 'optional');
  return [
    ...diff.added.map((f) => ['added', f.name, '', `${f.type} ${optional(f.required)}`]),
    ...diff.dropped.map((f) => ['dropped', f.name, f.type, '']),
    ...diff.renamed.map((r) => ['renamed', r.to, r.from, r.to]),
    ...diff.widened.map((w) => ['widened', w.name, w.from, w.to]),
    ...diff.nullability.map((n) => ['nullability', n.name, n.from, n.to]),
    ...diff.doc.map((d) => ['doc', d.name, d.from ?? '', d.to ?? '']),
  ];
}

/** A one-line account of a version's changes, for the history listing. */
function changeSummary(version: SchemaVersion): string {
  if (version.changes === null) return 'created';
  if (isEmptyDiff(version.changes)) return 'no column changes';
  return diffRows(version.changes)
    .map(([what, column, from, to]) => {
      if (what === 'added') return `+${column} ${to}`;
      if (what === 'dropped') return `-${column}`;
      if (what === 'renamed') return `${from} renamed ${to}`;
      if (what === 'doc') return `${column} doc changed`;
      return `${column} ${from}→${to}`;
    })
    .join('; ');
}

function printHistory(out: Output, versions: SchemaVersion[]): void {
  printRows(
    out,
    ['VERSION', 'CURRENT', 'SINCE', 'FIRST SNAPSHOT', 'SNAPSHOT TIME', 'CHANGES'],
    versions.map((v) => [
      v.schemaId,
      v.isCurrent ? '*' : '',
      v.addedAt,
      v.snapshot?.snapshotId ?? 'none yet',
      v.snapshot?.timestamp ?? '',
      changeSummary(v),
    ]),
  );
}

/** What describe shows of a table: the catalog's facts, its business metadata and consumers. */
interface Described {
  table: TableDescription;
  terms: GlossaryLink[];
  business: SecurableMetadata;
  models: { modelId: string; owner: string }[];
}

function businessOwner(b: SecurableMetadata): string | null {
  if (b.owner === null) return null;
  const email = b.owner.contactEmail === null ? '' : ` <${b.owner.contactEmail}>`;
  return `${b.owner.kind} ${b.owner.name}${email}`;
}

function certification(b: SecurableMetadata): string | null {
  const c = b.certification;
  if (c === null) return null;
  const why = c.reason === null ? '' : `: ${c.reason}`;
  const instead = c.replacement === null ? '' : ` (use ${c.replacement})`;
  return `${c.status}${why}${instead}`;
}

function printDescription(out: Output, { table: t, terms, business, models }: Described): void {
  const notes = new Map(business.columns.map((c) => [c.name, c.description]));
  out.stdout.write(`${formatTableName(t)} (${t.kind})\n\ncolumns:\n`);
  printRows(
    out,
    ['ID', 'NAME', 'TYPE', 'REQUIRED', 'DOC', 'TERMS'],
    t.columns.map((c) => [
      c.id,
      c.name,
      c.type,
      c.required ? 'yes' : 'no',
      notes.get(c.name) ?? c.doc,
      terms
        .filter((l) => l.column === c.name)
        .map((l) => l.term)
        .join(', '),
    ]),
  );
  out.stdout.write('\n');
  printFields(out, [
    ['description', t.description],
    ['owner', t.owner],
    ['business owner', businessOwner(business)],
    ['certification', certification(business)],
    ['location', t.location],
    ['snapshot', `${t.currentSnapshotId ?? 'none'} (${t.snapshotCount} snapshots)`],
    ['rows', `${t.recordCount} in ${t.fileCount} files, ${t.sizeBytes} bytes`],
    [
      'partitioned by',
      t.partitionSpec.map((p) => `${p.transform}(${p.sourceColumn})`).join(', ') || 'nothing',
    ],
    [
      'glossary terms',
      terms
        .filter((l) => l.column === null)
        .map((l) => (l.kind === 'business_metric' ? `${l.term} (business metric)` : l.term))
        .join(', '),
    ],
    ['consumed by', models.map((m) => `model ${m.modelId} (owner ${m.owner})`).join(', ')],
    ['created', t.createdAt],
    ['updated', t.updatedAt],
  ]);
  out.stdout.write('\nproperties:\n');
  printRows(out, ['KEY', 'VALUE'], Object.entries(t.properties));
}

function diffVersions(values: string[]): [number, number] {
  if (values.length !== 2) {
    throw new InvalidInput('INVALID_SCHEMA_VERSION', '--diff takes two schema versions.', {
      hint: 'e.g. lakeward describe silver.sales.orders --diff 0 2 (--history lists them).',
    });
  }
  return [parseSchemaId(values[0]!), parseSchemaId(values[1]!)];
}

export function registerDescribe(program: Command, out: Output): void {
  withExamples(
    program
      .command('describe')
      .description(
        "a table's columns and description; its schema history and diffs between versions",
      )
      .argument('<table>', 'e.g. gold.revenue.customer_ltv')
      .option('--history', 'every schema version with its first snapshot and what changed')
      .option('--diff <versions...>', 'what changed between two schema versions (by field id)')
      .option('--json', 'print JSON')
      .action(async (name: string, options: DescribeOptions, command: Command) => {
        const ident = parseTableName(name);
        const diff = options.diff === undefined ? undefined : diffVersions(options.diff);
        const globals = command.optsWithGlobals<GlobalOptions>();
        if (diff !== undefined) {
          const changes = await withSession(globals, (s) =>
            s.services.governed.schemaDiff(s.caller, ident, diff[0], diff[1]),
          );
          if (options.json) return printJson(out, changes);
          out.stdout.write(`${formatTableName(ident)}: schema ${diff[0]} → ${diff[1]}\n`);
          return printRows(out, ['CHANGE', 'COLUMN', 'FROM', 'TO'], diffRows(changes));
        }
        if (options.history) {
          const versions = await withSession(globals, (s) =>
            s.services.governed.schemaHistory(s.caller, ident),
          );
          return options.json ? printJson(out, versions) : printHistory(out, versions);
        }
        const described = await withSession(globals, async (s) => ({
          table: await s.services.governed.describeTable(s.caller, ident),
          terms: await s.services.glossary.termsOfTable(s.caller, ident),
          business: await s.services.metadata.show(s.caller, {
            kind: 'table',
            path: [...ident.namespace, ident.name],
          }),
          models: await s.services.goldTables.listModels(s.caller, formatTableName(ident)),
        }));
        if (options.json) {
          const { table, terms, business, models } = described;
          return printJson(out, { ...table, glossaryTerms: terms, business, models });
        }
        printDescription(out, described);
      }),
    'describe gold.revenue.customer_ltv',
    'describe silver.sales.orders --history',
    'describe silver.sales.orders --diff 0 2',
  );
}
