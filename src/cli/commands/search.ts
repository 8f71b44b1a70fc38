import type { Command } from 'commander';
import type { SearchAnswer, SearchRequest } from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

interface SearchOptions {
  kind?: string;
  layer?: string;
  namespace?: string;
  tag?: string;
  owner?: string;
  format?: string;
  certification?: string;
  limit?: string;
  offset?: string;
  json?: boolean;
  reindex?: boolean;
}

function whole(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/u.test(text)) {
    throw new InvalidInput('INVALID_SEARCH', `--${what} "${text}" is not a whole number.`, {
      hint: `e.g. --${what} 20`,
    });
  }
  return Number(text);
}

function requestOf(words: string[], o: SearchOptions): SearchRequest {
  const limit = whole(o.limit, 'limit');
  const offset = whole(o.offset, 'offset');
  return {
    q: words.join(' '),
    ...(o.kind === undefined ? {} : { kind: o.kind as NonNullable<SearchRequest['kind']> }),
    ...(o.layer === undefined ? {} : { layer: o.layer }),
    ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
    ...(o.tag === undefined ? {} : { tag: o.tag }),
    ...(o.owner === undefined ? {} : { owner: o.owner }),
    ...(o.format === undefined ? {} : { format: o.format }),
    ...(o.certification === undefined ? {} : { certification: o.certification }),
    ...(limit === undefined ? {} : { limit }),
    ...(offset === undefined ? {} : { offset }),
  };
}

function printAnswer(out: Output, answer: SearchAnswer): void {
  for (const [word, fixes] of Object.entries(answer.corrections)) {
    out.stdout.write(`Searched "${word}" as ${fixes.map((f) => `"${f}"`).join(' or ')}\n`);
  }
  printRows(
    out,
    ['SCORE', 'KIND', 'NAME', 'CERTIFICATION', 'MATCHED'],
    answer.results.map((r) => [r.score, r.kind, r.fullName, r.certification, r.snippet ?? '']),
  );
  const shown = answer.results.length;
  out.stdout.write(`${shown} of ${answer.total} result${answer.total === 1 ? '' : 's'}\n`);
  for (const facet of ['layer', 'kind', 'format', 'tag'] as const) {
    const values = answer.facets[facet];
    if (values.length === 0) continue;
    out.stdout.write(`${facet}: ${values.map((v) => `${v.value} (${v.count})`).join(', ')}\n`);
  }
}

export function registerSearch(program: Command, out: Output): void {
  withExamples(
    program
      .command('search')
      .description(
        'find tables, namespaces, volumes, files and glossary terms by name, description, ' +
          'columns, tags, terms, properties and owners (typos forgiven)',
      )
      .argument('[words...]', 'what to look for')
      .option('--kind <kind>', 'namespace, table, volume, glossary_term or volume_file')
      .option('--layer <layer>', 'bronze, silver or gold')
      .option('--namespace <namespace>', 'a namespace and everything below it')
      .option('--tag <key=value>', 'only things carrying this tag')
      .option('--owner <name>', 'only things this principal or group owns')
      .option('--format <format>', 'iceberg, parquet, csv, json, volume …')
      .option('--certification <status>', 'draft, certified or deprecated')
      .option('--limit <n>', 'results to show (1-100)', '20')
      .option('--offset <n>', 'results to skip')
      .option('--json', 'print JSON')
      .option('--reindex', 'rebuild the search index from the catalog (admins only)')
      .action(async (words: string[], options: SearchOptions, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>();
        if (options.reindex === true) {
          const rebuilt = await withSession(globals, (s) => s.services.search.reindex(s.caller));
          if (options.json) return printJson(out, rebuilt);
          out.stdout.write(`Rebuilt the search index: ${rebuilt.documents} documents\n`);
          return;
        }
        const request = requestOf(words, options);
        const answer = await withSession(globals, (s) =>
          s.services.search.search(s.caller, request),
        );
        if (options.json) return printJson(out, answer);
        printAnswer(out, answer);
      }),
    'search "customer revenue"',
    'search churn --layer gold --certification certified',
    'search --tag sensitivity=pii --kind table --json',
    'search --reindex',
  );
}
