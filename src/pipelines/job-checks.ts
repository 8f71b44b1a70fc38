import type { AccessCheck, TableIdent } from '../catalog/index.js';
import { namespaceSecurable, parseTableName, tableSecurable } from '../catalog/index.js';
import { InvalidInput, PermissionDenied } from '../errors/index.js';
import type { Authorizer, Caller, Principal } from '../governance/index.js';
import type { Metastore } from '../metastore/index.js';
import type { QualityGate } from '../quality/index.js';
import { findCycle } from './job-graph.js';
import type { JobIssue, JobSpec } from './job-validation.js';
import { messageOf } from './job-validation.js';
import type { StoredJob } from './job-views.js';

/** What checking a job against the catalog, the other jobs and governance needs. */
export interface JobChecksDeps {
  metastore: Pick<Metastore, 'principals'>;
  authorizer: Pick<Authorizer, 'require'>;
  catalog: { tableExists(ident: TableIdent): Promise<boolean> };
  /** Parses the SQL with the engine's parser; throws unless it is one read-only query. */
  analyze(sql: string): Promise<unknown>;
  /** Checks a DQDL ruleset's syntax (throws with its line and column). */
  quality?: Pick<QualityGate, 'validate'>;
}

/**
 * What can only be checked against the other jobs and the engine: the SQL is one
 * SELECT, every `after` names a job, and the jobs stay a DAG. `graph` holds every job
 * that will exist (this one included) with the jobs it runs after.
 */
export async function relationIssues(
  deps: Pick<JobChecksDeps, 'analyze' | 'quality'>,
  spec: JobSpec,
  graph: ReadonlyMap<string, readonly string[]>,
): Promise<JobIssue[]> {
  const issues: JobIssue[] = [];
  await deps.analyze(spec.sql).catch((err: unknown) => {
    issues.push({ path: ['sql'], message: `the SQL is not a single SELECT: ${messageOf(err)}` });
  });
  if (spec.quality !== null && deps.quality !== undefined) {
    try {
      deps.quality.validate(spec.quality.ruleset);
    } catch (err) {
      issues.push({
        path: ['quality', 'ruleset'],
        message: `the ruleset is not valid: ${messageOf(err)}`,
      });
    }
  }
  spec.after.forEach((upstream, i) => {
    if (!graph.has(upstream)) {
      issues.push({ path: ['after', i], message: `"after" names ${upstream}, which is not a job` });
    }
  });
  const cycle = findCycle(new Map(graph).set(spec.name, spec.after));
  if (cycle?.includes(spec.name) === true) {
    issues.push({
      path: ['after'],
      message: `the jobs would run in a cycle: ${cycle.join(' → ')}; jobs must form a DAG`,
    });
  }
  return issues;
}

/**
 * Who the job runs as and whether it may: running as someone else needs an admin (or
 * being that principal); both the caller and the principal it runs as need INSERT on
 * the target when it exists, CREATE_TABLE on its namespace when it does not yet.
 * Returns the definition to store, runAs resolved (to `keepRunAs` or the caller).
 */
export async function authorizeJob(
  deps: JobChecksDeps,
  caller: Caller,
  check: AccessCheck,
  spec: JobSpec,
  keepRunAs: string | undefined,
): Promise<StoredJob> {
  const runAs = spec.runAs ?? keepRunAs ?? caller.principal.name;
  if (runAs !== caller.principal.name && !caller.principal.isAdmin && runAs !== keepRunAs) {
    throw check.refuse(
      new PermissionDenied(
        'JOB_RUN_AS_DENIED',
        `Only an admin may make the job "${spec.name}" run as ${runAs}.`,
        { hint: 'Leave runAs out (the job runs as you) or ask an admin to set it.' },
      ),
    );
  }
  const ident = parseTableName(spec.target);
  const exists = await deps.catalog.tableExists(ident);
  const [privilege, securable] = exists
    ? (['INSERT', tableSecurable(ident)] as const)
    : (['CREATE_TABLE', namespaceSecurable(ident.namespace)] as const);
  await check.require(privilege, securable);
  if (runAs !== caller.principal.name) {
    const principal = await principalNamed(deps, runAs);
    await deps.authorizer.require(principal, privilege, securable).catch((err: unknown) => {
      throw check.refuse(
        new PermissionDenied(
          'JOB_RUN_AS_NOT_ALLOWED',
          `The job "${spec.name}" runs as ${runAs}, who lacks ${privilege} on ${spec.target}: ${messageOf(err)}`,
          {
            hint: `Grant ${privilege} to ${runAs}, or make the job run as a principal who has it.`,
          },
        ),
      );
    });
  }
  const { name: _name, runAs: _runAs, ...rest } = spec;
  return { ...rest, runAs };
}

/** The principal named, as a job runs as it or is audited as its owner. */
export async function principalNamed(
  deps: Pick<JobChecksDeps, 'metastore'>,
  name: string,
): Promise<Principal> {
  const record = await deps.metastore.principals.getByName(name);
  if (record === undefined) {
    throw new InvalidInput('JOB_PRINCIPAL_UNKNOWN', `No principal is named "${name}".`, {
      hint: 'Name an existing user or service principal (lakeward principals list).',
    });
  }
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    isAdmin: record.isAdmin,
    authMethod: 'local',
  };
}
