import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { Conflict, InvalidInput, PermissionDenied } from '../../errors/index.js';
import type { AuditEvent, AuditFilter, Securable } from '../../governance/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

const CATALOG: Securable = { kind: 'catalog', path: [] };
const DECISIONS = ['allow', 'deny', 'error'] as const;

interface FilterOptions {
  since?: string;
  until?: string;
  principal?: string;
  action?: string;
  decision?: string;
  limit?: string;
}

function dateOption(name: string, text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidInput('INVALID_OPTION', `--${name} must be a date and time, got "${text}".`, {
      hint: 'Write an ISO 8601 time, e.g. 2026-11-01 or 2026-11-01T12:00:00Z.',
    });
  }
  return date;
}

function filterOf(options: FilterOptions): AuditFilter {
  const { decision, limit } = options;
  if (decision !== undefined && !(DECISIONS as readonly string[]).includes(decision)) {
    throw new InvalidInput('INVALID_OPTION', `--decision must be allow, deny or error.`, {
      hint: 'e.g. lakeward audit list --decision deny',
    });
  }
  const count = limit === undefined ? undefined : Number(limit);
  if (count !== undefined && (!Number.isInteger(count) || count <= 0)) {
    throw new InvalidInput('INVALID_OPTION', `--limit must be a positive whole number.`, {
      hint: 'e.g. --limit 100',
    });
  }
  return {
    ...(options.since === undefined ? {} : { since: dateOption('since', options.since) }),
    ...(options.until === undefined ? {} : { until: dateOption('until', options.until) }),
    ...(options.principal === undefined ? {} : { principal: options.principal }),
    ...(options.action === undefined ? {} : { action: options.action }),
    ...(decision === undefined ? {} : { decision: decision as AuditFilter['decision'] }),
    ...(count === undefined ? {} : { limit: count }),
  };
}

function withFilterOptions(command: Command): Command {
  return command
    .option('--since <time>', 'events at or after this ISO time')
    .option('--until <time>', 'events before this ISO time')
    .option('--principal <name>', "one principal's events")
    .option('--action <action>', 'e.g. query, grant, "cli table drop"')
    .option('--decision <decision>', 'allow, deny or error')
    .option('--limit <n>', 'at most this many events');
}

function printEvents(out: Output, events: AuditEvent[]): void {
  printRows(
    out,
    ['SEQ', 'TIME', 'PRINCIPAL', 'ACTION', 'RESOURCE', 'DECISION', 'STATUS', 'REASON'],
    events.map((e) => [
      e.seq,
      e.time,
      e.principal?.name ?? '(anonymous)',
      e.action,
      e.resource,
      e.decision,
      e.status,
      e.reason,
    ]),
  );
}

export function registerAudit(program: Command, out: Output): void {
  const audit = program
    .command('audit')
    .description('the tamper-evident audit log (READ_AUDIT on the catalog)');
  withExamples(audit, 'audit list --decision deny --limit 20', 'audit verify');
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  withExamples(
    withFilterOptions(audit.command('list').description('audit events in sequence order'))
      .option('--json', 'print JSON')
      .action(async (options: FilterOptions & { json?: boolean }, command: Command) => {
        const filter = filterOf(options);
        const events = await withSession(globals(command), (s) =>
          s.services.audit.query(s.caller, filter),
        );
        if (options.json) return printJson(out, events);
        printEvents(out, events);
      }),
    'audit list --since 2026-11-01 --decision deny',
    'audit list --principal alice --action query --limit 20 --json',
  );

  withExamples(
    withFilterOptions(
      audit.command('export').description('audit events as NDJSON, one JSON object per line'),
    )
      .option('--out <file>', 'write to this file (default: standard output)')
      .action(async (options: FilterOptions & { out?: string }, command: Command) => {
        const filter = filterOf(options);
        await withSession(globals(command), async (s) => {
          const lines = Readable.from(s.services.audit.exportNdjson(s.caller, filter));
          if (options.out === undefined) {
            await pipeline(lines, out.stdout, { end: false });
          } else {
            await pipeline(lines, createWriteStream(options.out));
          }
        });
      }),
    'audit export --out audit-2026-11.ndjson --since 2026-11-01 --until 2026-12-01',
  );

  withExamples(
    audit
      .command('verify')
      .description('walk every link of the hash chain; fails naming the first broken one')
      .action(async (_options: unknown, command: Command) => {
        // Inside the session, so this command's own audit event records the failure.
        const result = await withSession(globals(command), async (s) => {
          await s.services.authorizer.require(s.principal, 'READ_AUDIT', CATALOG);
          const verification = await s.services.audit.verify();
          const broken = verification.firstBroken;
          if (!verification.ok) {
            throw new Conflict(
              'AUDIT_CHAIN_BROKEN',
              `The audit chain is broken at event ${broken?.seq ?? '?'}: ${broken?.reason ?? 'no reason given'}.`,
              {
                hint: 'An event was changed or removed outside Lakeward; compare with an earlier export (lakeward audit export) to see what.',
              },
            );
          }
          return verification;
        });
        const range = result.firstSeq === null ? '' : ` (seq ${result.firstSeq}–${result.lastSeq})`;
        out.stdout.write(`Audit chain intact: ${result.checked} events checked${range}\n`);
      }),
    'audit verify',
  );

  withExamples(
    audit
      .command('retention')
      .description('remove events older than audit.retentionDays now (admins only)')
      .action(async (_options: unknown, command: Command) => {
        const removed = await withSession(globals(command), (s) => {
          if (!s.principal.isAdmin) {
            throw new PermissionDenied(
              'PERMISSION_DENIED',
              `${s.principal.name} may not apply audit retention: only admins may remove audit events.`,
              { hint: 'Ask an admin to run lakeward audit retention.' },
            );
          }
          return s.services.audit.applyRetention();
        });
        out.stdout.write(`Removed ${removed} audit event${removed === 1 ? '' : 's'}\n`);
      }),
    'audit retention',
  );
}
