import type { Command } from 'commander';
import { parseTableName, parseTarget, ruleText } from '../../catalog/index.js';
import type {
  Certification,
  Layer,
  MetadataKind,
  MetadataTarget,
  PropertyDefinitionInput,
  PropertyType,
  SecurableMetadata,
} from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import { parseKeyValues } from '../key-values.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions, type Session } from '../session.js';
import { withExamples } from './examples.js';
import { csv } from './governance-args.js';

interface KindOptions {
  namespace?: boolean;
  volume?: boolean;
}

const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

/** --namespace and --volume name the kind; otherwise a name of three levels or more is a table. */
function withKind(command: Command): Command {
  return command
    .option('--namespace', 'the name is a namespace (inferred for one or two levels)')
    .option('--volume', 'the name is a volume');
}

export function targetOf(name: string, options: KindOptions): MetadataTarget {
  if (options.namespace === true && options.volume === true) {
    throw new InvalidInput('INVALID_SECURABLE_KIND', 'Give --namespace or --volume, not both.', {
      hint: 'A name is a table unless --namespace or --volume says otherwise.',
    });
  }
  if (options.volume === true) return parseTarget('volume', name);
  const levels = name.trim().split('.').length;
  return parseTarget(options.namespace === true || levels < 3 ? 'namespace' : 'table', name);
}

export function registerCatalog(program: Command, out: Output): void {
  const catalog = program
    .command('catalog')
    .description(
      'business metadata of namespaces, tables and volumes: descriptions, owners, certification, properties',
    );
  withExamples(
    catalog,
    'catalog show gold.revenue.daily',
    'catalog describe gold.revenue.daily --column amount "Net amount in **EUR**"',
    'catalog certify gold.revenue.daily --status certified',
  );

  withExamples(
    withKind(catalog.command('show'))
      .description(
        'all business metadata, with column descriptions and missing required properties',
      )
      .argument('<name>')
      .option('--json', 'print JSON')
      .action(async (name: string, options: KindOptions & { json?: boolean }, command: Command) => {
        const target = targetOf(name, options);
        const shown = await withSession(globals(command), (s) => showAll(s, target));
        if (options.json) return printJson(out, shown);
        printMetadata(out, shown);
      }),
    'catalog show gold.revenue.daily',
    'catalog show gold.revenue --json',
  );

  withExamples(
    withKind(catalog.command('describe'))
      .description('set the Markdown description of a securable or of one of its columns')
      .argument('<name>')
      .argument('[text]', 'Markdown; omit with --clear')
      .option('--column <column>', 'describe this column of the table instead')
      .option('--clear', 'remove the description')
      .action(
        async (
          name: string,
          text: string | undefined,
          options: KindOptions & { column?: string; clear?: boolean },
          command: Command,
        ) => {
          const target = targetOf(name, options);
          const description = descriptionArg(text, options.clear === true);
          await withSession(globals(command), (s) =>
            options.column === undefined
              ? s.services.metadata.update(s.caller, target, { description })
              : s.services.metadata.describeColumns(s.caller, target.path, {
                  [options.column]: description,
                }),
          );
          const what = options.column === undefined ? target.kind : `column ${options.column} of`;
          const verb = description === null ? 'Cleared the description of' : 'Described';
          out.stdout.write(`${verb} ${what} ${target.path.join('.')}\n`);
        },
      ),
    'catalog describe gold.revenue.daily "Daily revenue per store, in EUR."',
    'catalog describe gold.revenue.daily --column amount "Net amount"',
    'catalog describe gold.revenue --namespace --clear',
  );

  withExamples(
    withKind(catalog.command('owner'))
      .description('set who answers for the data (its steward), apart from its governance owner')
      .argument('<name>')
      .option('--user <name>', 'a user or service account')
      .option('--group <name>', 'a group')
      .option('--email <address>', 'contact e-mail')
      .option('--clear', 'remove the business owner (the governance owner is shown again)')
      .action(
        async (
          name: string,
          options: KindOptions & { user?: string; group?: string; email?: string; clear?: boolean },
          command: Command,
        ) => {
          const target = targetOf(name, options);
          const owner = ownerArg(options);
          const shown = await withSession(globals(command), (s) =>
            s.services.metadata.update(s.caller, target, { owner }),
          );
          out.stdout.write(`Owner of ${shown.kind} ${shown.name}: ${ownerLine(shown)}\n`);
        },
      ),
    'catalog owner gold.revenue.daily --group data_eng --email data-eng@example.com',
    'catalog owner gold.revenue.daily --clear',
  );

  withExamples(
    withKind(catalog.command('certify'))
      .description('mark as draft, certified or deprecated (with a reason and a replacement)')
      .argument('<name>')
      .requiredOption('--status <status>', 'draft, certified or deprecated')
      .option('--reason <text>', 'why (required when deprecated)')
      .option('--replacement <name>', 'what to use instead (deprecated only)')
      .action(
        async (
          name: string,
          options: KindOptions & { status: string; reason?: string; replacement?: string },
          command: Command,
        ) => {
          const target = targetOf(name, options);
          const shown = await withSession(globals(command), (s) =>
            s.services.metadata.certify(s.caller, target, {
              status: options.status as Certification,
              ...(options.reason === undefined ? {} : { reason: options.reason }),
              ...(options.replacement === undefined ? {} : { replacement: options.replacement }),
            }),
          );
          out.stdout.write(`${shown.kind} ${shown.name} is ${certificationLine(shown)}\n`);
        },
      ),
    'catalog certify gold.revenue.daily --status certified',
    'catalog certify gold.revenue.daily --status deprecated --reason "use v2" --replacement gold.revenue.daily_v2',
  );

  withExamples(
    withKind(catalog.command('set'))
      .description('set properties (typed ones are checked against their definition)')
      .argument('<name>')
      .argument('<key=value...>')
      .action(async (name: string, pairs: string[], options: KindOptions, command: Command) => {
        const target = targetOf(name, options);
        const setProperties = parseKeyValues(pairs);
        await withSession(globals(command), (s) =>
          s.services.metadata.update(s.caller, target, { setProperties }),
        );
        out.stdout.write(
          `Set ${Object.keys(setProperties).join(', ')} on ${target.kind} ${target.path.join('.')}\n`,
        );
      }),
    'catalog set gold.revenue.daily business_domain=finance quality_score=0.97',
  );

  withExamples(
    withKind(catalog.command('unset'))
      .description('remove properties')
      .argument('<name>')
      .argument('<key...>')
      .action(async (name: string, keys: string[], options: KindOptions, command: Command) => {
        const target = targetOf(name, options);
        await withSession(globals(command), (s) =>
          s.services.metadata.update(s.caller, target, { removeProperties: keys }),
        );
        out.stdout.write(
          `Removed ${keys.join(', ')} from ${target.kind} ${target.path.join('.')}\n`,
        );
      }),
    'catalog unset gold.revenue.daily feature_store',
  );

  withExamples(
    withKind(catalog.command('history'))
      .description('every change of the business metadata, newest first')
      .argument('<name>')
      .option('--limit <n>', 'at most this many changes', (v) => Number.parseInt(v, 10))
      .option('--json', 'print JSON')
      .action(
        async (
          name: string,
          options: KindOptions & { limit?: number; json?: boolean },
          command: Command,
        ) => {
          const target = targetOf(name, options);
          const changes = await withSession(globals(command), (s) =>
            s.services.metadata.history(
              s.caller,
              target,
              options.limit === undefined ? {} : { limit: options.limit },
            ),
          );
          if (options.json) return printJson(out, changes);
          printRows(
            out,
            ['WHEN', 'WHO', 'FIELD', 'OLD', 'NEW'],
            changes.map((c) => [
              c.changedAt,
              c.changedBy,
              c.field,
              short(c.oldValue),
              short(c.newValue),
            ]),
          );
        },
      ),
    'catalog history gold.revenue.daily',
  );

  registerPropertyDefinitions(catalog, out);
}

function descriptionArg(text: string | undefined, clear: boolean): string | null {
  if (clear) return null;
  if (text === undefined) {
    throw new InvalidInput('DESCRIPTION_REQUIRED', 'No description was given.', {
      hint: 'Give the Markdown text as an argument, or --clear to remove the description.',
    });
  }
  return text;
}

function ownerArg(options: { user?: string; group?: string; email?: string; clear?: boolean }) {
  const given = [options.user, options.group].filter((v) => v !== undefined).length;
  if (options.clear === true && given === 0) return null;
  if (given !== 1 || options.clear === true) {
    throw new InvalidInput('INVALID_OWNER', 'Give exactly one of --user, --group or --clear.', {
      hint: 'e.g. lakeward catalog owner gold.revenue.daily --group data_eng --email data-eng@example.com',
    });
  }
  const kind = options.group === undefined ? ('principal' as const) : ('group' as const);
  return { kind, name: (options.group ?? options.user)!, contactEmail: options.email ?? null };
}

function ownerLine(m: SecurableMetadata): string {
  if (m.owner !== null) {
    const who = `${m.owner.kind === 'group' ? 'group' : 'user'} ${m.owner.name}`;
    return m.owner.contactEmail === null ? who : `${who} <${m.owner.contactEmail}>`;
  }
  if (m.governanceOwner === null) return '(none)';
  const kind = m.governanceOwner.kind === 'group' ? 'group' : 'user';
  return `${kind} ${m.governanceOwner.name} (governance owner)`;
}

function certificationLine(m: SecurableMetadata): string {
  const c = m.certification;
  if (c === null) return 'not certified';
  const reason = c.reason === null ? '' : `: ${c.reason}`;
  const replacement = c.replacement === null ? '' : ` (use ${c.replacement} instead)`;
  return `${c.status}${reason}${replacement}, by ${c.by} at ${c.at}`;
}

function short(value: string | null): string {
  if (value === null) return '';
  const line = value.replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/** Business metadata with the tags and glossary terms that the governance and glossary parts keep. */
interface ShownMetadata extends SecurableMetadata {
  tags: { key: string; value: string; inheritedFrom: string | null }[];
  glossaryTerms: { term: string; column: string | null }[];
}

async function showAll(s: Session, target: MetadataTarget): Promise<ShownMetadata> {
  const metadata = await s.services.metadata.show(s.caller, target);
  const tags = await s.services.policies.listTags(s.caller, {
    kind: target.kind,
    path: target.path,
  });
  const links =
    target.kind === 'table'
      ? await s.services.glossary.termsOfTable(s.caller, parseTableName(metadata.name))
      : [];
  return {
    ...metadata,
    tags: tags.map((t) => ({
      key: t.key,
      value: t.value,
      inheritedFrom: t.inheritedFrom === null ? null : t.inheritedFrom.path.join('.'),
    })),
    glossaryTerms: links.map((l) => ({ term: l.term, column: l.column })),
  };
}

function printMetadata(out: Output, m: ShownMetadata): void {
  const write = (line: string) => out.stdout.write(`${line}\n`);
  write(`${m.kind} ${m.name}`);
  write(`Owner:          ${ownerLine(m)}`);
  write(`Certification:  ${certificationLine(m)}`);
  write('Description:');
  for (const line of (m.description ?? '(none)').split('\n')) write(`  ${line}`);
  const properties = Object.entries(m.properties);
  write(properties.length === 0 ? 'Properties:     (none)' : 'Properties:');
  for (const [key, value] of properties) write(`  ${key} = ${value}`);
  if (m.missingProperties.length > 0) {
    write(`Missing required properties: ${m.missingProperties.join(', ')}`);
  }
  const tags = m.tags.map(
    (t) => `${t.key}=${t.value}${t.inheritedFrom === null ? '' : ` (from ${t.inheritedFrom})`}`,
  );
  write(`Tags:           ${tags.length === 0 ? '(none)' : tags.join(', ')}`);
  const terms = m.glossaryTerms.map((t) =>
    t.column === null ? t.term : `${t.term} (${t.column})`,
  );
  if (m.kind === 'table')
    write(`Glossary terms: ${terms.length === 0 ? '(none)' : terms.join(', ')}`);
  if (m.kind === 'table') {
    write('Columns:');
    printRows(
      out,
      ['COLUMN', 'TYPE', 'DESCRIPTION'],
      m.columns.map((c) => [c.name, c.type, short(c.description)]),
    );
  }
}

interface DefinitionOptions {
  type: string;
  pattern?: string;
  min?: string;
  max?: string;
  values?: string;
  description?: string;
  appliesTo?: string;
  requiredIn?: string;
  force?: boolean;
}

function numberOption(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) {
    throw new InvalidInput('INVALID_PROPERTY_DEFINITION', `${flag} ${text} is not a number.`, {
      hint: 'e.g. --min 0 --max 1',
    });
  }
  return n;
}

/** The definition as flags give it; the service checks it. */
function definitionOf(name: string, o: DefinitionOptions): PropertyDefinitionInput {
  const min = numberOption(o.min, '--min');
  const max = numberOption(o.max, '--max');
  return {
    name,
    type: o.type as PropertyType,
    ...(o.pattern === undefined ? {} : { pattern: o.pattern }),
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
    ...(o.values === undefined ? {} : { values: csv(o.values) }),
    ...(o.description === undefined ? {} : { description: o.description }),
    ...(o.appliesTo === undefined ? {} : { appliesTo: csv(o.appliesTo) as MetadataKind[] }),
    ...(o.requiredIn === undefined ? {} : { requiredIn: csv(o.requiredIn) as Layer[] }),
  };
}

function withDefinitionOptions(command: Command): Command {
  return command
    .argument('<name>')
    .requiredOption('--type <type>', 'string, number, integer, boolean, enum or date')
    .option('--pattern <regex>', 'string: a regular expression the whole value must match')
    .option('--min <n>', 'number, integer: smallest value')
    .option('--max <n>', 'number, integer: largest value')
    .option('--values <a,b,c>', 'enum: the allowed values')
    .option('--description <text>')
    .option('--applies-to <kinds>', 'namespace,table,volume (default: all three)')
    .option('--required-in <layers>', 'layers whose securables must have it, e.g. gold')
    .option('--force', 'even though values already set break the rule');
}

function registerPropertyDefinitions(catalog: Command, out: Output): void {
  const properties = withExamples(
    catalog.command('properties').description('typed custom properties whose values are checked'),
    'catalog properties define quality_score --type number --min 0 --max 1 --applies-to table',
    'catalog properties define business_domain --type enum --values finance,marketing --required-in gold',
  );

  withExamples(
    withDefinitionOptions(properties.command('define'))
      .description('declare a typed property (admin or MANAGE_GRANTS on the catalog)')
      .action(async (name: string, options: DefinitionOptions, command: Command) => {
        const created = await withSession(globals(command), (s) =>
          s.services.propertyDefinitions.define(s.caller, definitionOf(name, options), {
            force: options.force === true,
          }),
        );
        out.stdout.write(`Defined ${created.name}: ${ruleText(created)}\n`);
      }),
    'catalog properties define quality_score --type number --min 0 --max 1',
  );

  withExamples(
    withDefinitionOptions(properties.command('update'))
      .description("replace a typed property's rule")
      .action(async (name: string, options: DefinitionOptions, command: Command) => {
        const updated = await withSession(globals(command), (s) =>
          s.services.propertyDefinitions.update(s.caller, definitionOf(name, options), {
            force: options.force === true,
          }),
        );
        out.stdout.write(`${updated.name}: ${ruleText(updated)}\n`);
      }),
    'catalog properties update quality_score --type number --min 0 --max 100',
  );

  withExamples(
    properties
      .command('list')
      .description('every typed property with its rule')
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }, command: Command) => {
        const list = await withSession(globals(command), (s) =>
          s.services.propertyDefinitions.list(s.caller),
        );
        if (options.json) return printJson(out, list);
        printRows(
          out,
          ['NAME', 'RULE', 'APPLIES TO', 'REQUIRED IN', 'DESCRIPTION'],
          list.map((d) => [
            d.name,
            ruleText(d),
            d.appliesTo.join(','),
            d.requiredIn.join(','),
            d.description,
          ]),
        );
      }),
    'catalog properties list',
  );

  withExamples(
    properties
      .command('drop')
      .description('delete a typed property (refused while set somewhere, unless --force)')
      .argument('<name>')
      .option('--force', 'delete it anyway; the values stay as free properties')
      .action(async (name: string, options: { force?: boolean }, command: Command) => {
        await withSession(globals(command), (s) =>
          s.services.propertyDefinitions.drop(s.caller, name, { force: options.force === true }),
        );
        out.stdout.write(`Dropped the property definition ${name}\n`);
      }),
    'catalog properties drop quality_score',
  );
}
