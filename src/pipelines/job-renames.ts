import {
  identOfReference,
  isLayer,
  parseTableName,
  renameOf,
  renamedTablePath,
} from '../catalog/index.js';
import type { CatalogChange, PathRename } from '../catalog/index.js';
import { renameTablesInSql } from '../engine/index.js';
import { Conflict } from '../errors/index.js';
import type { Metastore } from '../metastore/index.js';
import type { JobDefinition } from './contract.js';
import { definitionOf, stored } from './job-views.js';

/**
 * Keeps job definitions in step with table and namespace renames: the target and every
 * table the SQL reads are renamed in place (a new version of the job). What cannot be
 * rewritten safely marks the job, so its runs fail saying what was renamed and how to
 * fix it, instead of failing later on a missing table or writing a new one.
 */
export async function followRename(
  metastore: Pick<Metastore, 'pipelines'>,
  change: CatalogChange,
): Promise<string[]> {
  const rename = renameOf(change);
  if (rename === undefined) return [];
  const changed: string[] = [];
  for (const job of await metastore.pipelines.list()) {
    const next = await renamedJob(definitionOf(job), rename);
    if (next === undefined) continue;
    await metastore.pipelines.update(job.name, {
      definition: stored(next),
      source: job.source,
      nextRunAt: job.nextRunAt,
      changedBy: `rename of ${rename.from.join('.')} to ${rename.to.join('.')}`,
    });
    changed.push(job.name);
  }
  return changed;
}

/** The job under the new names; undefined when the rename leaves it as it is. */
export async function renamedJob(
  job: JobDefinition,
  rename: PathRename,
): Promise<JobDefinition | undefined> {
  const targetPath = pathOf(parseTableName(job.target));
  const movedTarget = renamedTablePath(rename, targetPath);
  const sql = await renamedSql(job.sql, rename);
  if (movedTarget === undefined && sql.kind === 'unchanged') return undefined;
  const renamed = { ...job };
  const problems: string[] = [];
  if (movedTarget !== undefined) {
    renamed.target = movedTarget.join('.');
    const layer = movedTarget[0] ?? '';
    if (!isLayer(layer) || layer === 'bronze') {
      problems.push(`its target ${job.target} is now ${renamed.target}, outside silver and gold`);
    }
  }
  if (sql.kind === 'renamed') renamed.sql = sql.sql;
  if (sql.kind === 'impossible') {
    problems.push(`its SQL could not be rewritten (${sql.reason})`);
  }
  if (problems.length === 0) return renamed;
  const what = `${rename.kind} ${rename.from.join('.')} was renamed to ${rename.to.join('.')}`;
  return {
    ...renamed,
    renameProblem: {
      message: `The ${what}; ${problems.join('; ')}.`,
      hint: `Update the job (lakeward jobs update ${job.name}, or its YAML file and jobs apply) to read and write the new names.`,
    },
  };
}

async function renamedSql(sql: string, rename: PathRename): ReturnType<typeof renameTablesInSql> {
  try {
    return await renameTablesInSql(sql, (parts) => {
      if (parts.length !== 3) return undefined;
      const moved = renamedTablePath(rename, pathOf(identOfReference(parts)));
      // Back to SQL's three parts: deeper namespaces become one quoted middle part.
      return moved === undefined
        ? undefined
        : [moved[0] ?? '', moved.slice(1, -1).join('.'), moved.at(-1) ?? ''];
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { kind: 'impossible', reason };
  }
}

function pathOf(ident: { namespace: readonly string[]; name: string }): string[] {
  return [...ident.namespace, ident.name];
}

/** A run of a job a rename left behind fails with this, before it reads anything. */
export function renameProblem(job: JobDefinition): Conflict | undefined {
  if (job.renameProblem === undefined) return undefined;
  return new Conflict(
    'JOB_TABLE_RENAMED',
    `Job ${job.name} cannot run: ${job.renameProblem.message}`,
    {
      hint: job.renameProblem.hint,
    },
  );
}
