import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { GlossaryTerm, TermPatch, TermStatus } from '../../catalog/index.js';
import { parseTableName } from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import { printFields, printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions, type Session } from '../session.js';
import { withExamples } from './examples.js';
import { csv, granteeWords } from './governance-args.js';

interface TermOptions {
  name?: string;
  definition?: string;
  definitionFile?: string;
  synonyms?: string;
  owner?: string[] | false;
  parent?: string | false;
  related?: string;
  status?: string;
}

function inSession<T>(command: Command, run: (s: Session) => Promise<T>): Promise<T> {
  return withSession(command.optsWithGlobals<GlobalOptions>(), run);
}

/** Definitions are Markdown, often long: inline or from a file. */
function definitionOf(options: TermOptions): string | undefined {
  if (options.definitionFile !== undefined) return readFileSync(options.definitionFile, 'utf8');
  return options.definition;
}

function termPatch(options: TermOptions): TermPatch {
  const definition = definitionOf(options);
  return {
    ...(options.name !== undefined && { name: options.name }),
    ...(definition !== undefined && { definition }),
    ...(options.synonyms !== undefined && { synonyms: csv(options.synonyms) }),
    ...(options.owner !== undefined && {
      owner: options.owner === false ? null : granteeWords(options.owner),
    }),
    ...(options.parent !== undefined && {
      parent: options.parent === false ? null : options.parent,
    }),
    ...(options.related !== undefined && { related: csv(options.related) }),
    ...(options.status !== undefined && { status: options.status as TermStatus }),
  };
}

function termOptions(command: Command): Command {
  return command
    .option('--definition <markdown>', 'what the term means (Markdown)')
    .option('--definition-file <file>', 'read the definition from a Markdown file')
    .option('--synonyms <a,b>', 'other names people use, comma-separated')
    .option('--owner <grantee...>', 'who answers for it: user NAME or group NAME')
    .option('--parent <term>', 'the broader term it belongs under')
    .option('--related <a,b>', 'related terms, comma-separated (symmetric)')
    .option('--status <status>', 'draft or approved');
}

function ownerText(term: GlossaryTerm): string {
  return term.owner === null ? '' : `${term.owner.kind} ${term.owner.name}`;
}

export function registerGlossary(program: Command, out: Output): void {
  const glossary = withExamples(
    program
      .command('glossary')
      .description(
        'the business glossary: terms, their hierarchy, and links to tables and columns',
      ),
    'glossary create "Customer LTV" --definition "Expected revenue from a customer" --owner group finance',
    'glossary link "Customer LTV" gold.revenue.customer_ltv --column ltv',
  );
  const done = (message: string) => out.stdout.write(`${message}\n`);

  withExamples(
    termOptions(glossary.command('create').description('create a term').argument('<name>')).action(
      async (name: string, options: TermOptions, command: Command) => {
        const definition = definitionOf(options);
        if (definition === undefined) {
          throw new InvalidInput(
            'GLOSSARY_DEFINITION_MISSING',
            `The term "${name}" needs a definition.`,
            {
              hint: 'Give it with --definition TEXT or --definition-file FILE.md.',
            },
          );
        }
        const term = await inSession(command, (s) =>
          s.services.glossary.createTerm(s.caller, { ...termPatch(options), name, definition }),
        );
        done(`Created term "${term.name}" (${term.status})`);
      },
    ),
    'glossary create "Customer LTV" --definition-file ltv.md --synonyms CLV,"lifetime value" --parent Revenue',
  );

  withExamples(
    // --no-owner and --no-parent come after --owner and --parent, so both stay unset by default.
    termOptions(
      glossary
        .command('update')
        .description('change a term (admins, MANAGE_GRANTS on the catalog, or its owner)')
        .argument('<name>'),
    )
      .option('--name <new-name>', 'rename the term')
      .option('--no-owner', 'remove the owner')
      .option('--no-parent', 'move the term to the top of the hierarchy')
      .action(async (name: string, options: TermOptions, command: Command) => {
        const term = await inSession(command, (s) =>
          s.services.glossary.updateTerm(s.caller, name, termPatch(options)),
        );
        done(`Updated term "${term.name}"`);
      }),
    'glossary update "Customer LTV" --status approved',
    'glossary update "Customer LTV" --no-parent',
  );

  withExamples(
    glossary
      .command('delete')
      .description('delete a term')
      .argument('<name>')
      .option('--force', 'also when it has child terms (they are detached) or links')
      .action(async (name: string, options: { force?: boolean }, command: Command) => {
        await inSession(command, (s) =>
          s.services.glossary.deleteTerm(s.caller, name, { force: options.force === true }),
        );
        done(`Deleted term "${name}"`);
      }),
    'glossary delete "Customer LTV" --force',
  );

  withExamples(
    glossary
      .command('list')
      .description('every term')
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }, command: Command) => {
        const terms = await inSession(command, (s) => s.services.glossary.listTerms(s.caller));
        if (options.json) return printJson(out, terms);
        printRows(
          out,
          ['TERM', 'STATUS', 'PARENT', 'OWNER', 'SYNONYMS'],
          terms.map((t) => [t.name, t.status, t.parent, ownerText(t), t.synonyms.join(', ')]),
        );
      }),
    'glossary list --json',
  );

  withExamples(
    glossary
      .command('show')
      .description('a term with its links to the tables you may describe')
      .argument('<name>')
      .option('--json', 'print JSON')
      .action(async (name: string, options: { json?: boolean }, command: Command) => {
        const term = await inSession(command, (s) => s.services.glossary.showTerm(s.caller, name));
        if (options.json) return printJson(out, term);
        printFields(out, [
          ['term', term.name],
          ['status', term.status],
          ['owner', ownerText(term)],
          ['parent', term.parent],
          ['children', term.children.join(', ')],
          ['related', term.related.join(', ')],
          ['synonyms', term.synonyms.join(', ')],
          ['updated', `${term.updatedAt} by ${term.updatedBy}`],
        ]);
        out.stdout.write(`\n${term.definition}\n\nlinks:\n`);
        printRows(
          out,
          ['TABLE', 'COLUMN', 'KIND', 'BY', 'AT'],
          term.links.map((l) => [l.table, l.column, l.kind, l.linkedBy, l.linkedAt]),
        );
      }),
    'glossary show "customer ltv"',
  );

  for (const verb of ['link', 'unlink'] as const) {
    withExamples(
      glossary
        .command(verb)
        .description(
          verb === 'link'
            ? 'link a term to a table or a column (ALTER on the table)'
            : 'remove a link (ALTER on the table)',
        )
        .argument('<term>')
        .argument('<table>')
        .option('--column <column>', 'a column of the table instead of the table itself')
        .action(
          async (term: string, table: string, options: { column?: string }, command: Command) => {
            const target = {
              table: parseTableName(table),
              ...(options.column === undefined ? {} : { column: options.column }),
            };
            await inSession(command, async (s) => {
              await s.services.glossary[verb](s.caller, term, target);
            });
            const where = `${table}${options.column === undefined ? '' : `.${options.column}`}`;
            done(
              verb === 'link' ? `Linked "${term}" to ${where}` : `Unlinked "${term}" from ${where}`,
            );
          },
        ),
      `glossary ${verb} "Customer LTV" gold.revenue.customer_ltv --column ltv`,
    );
  }
}
