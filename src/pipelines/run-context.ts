import type {
  AccessCheck,
  Catalog,
  CatalogChanges,
  GovernedCatalog,
  QueryDefaults,
  QueryGovernance,
  TableIdent,
} from '../catalog/index.js';
import type { QueryEngine, Session } from '../engine/index.js';
import type { Caller } from '../governance/index.js';
import type { LineageRecorder } from '../lineage/index.js';
import type { QualityGate } from '../quality/index.js';
import type { JobDefinition, RunOutcome } from './contract.js';
import type { RunPropertyWrites } from './run-property-writes.js';

export interface JobRunnerDeps {
  catalog: Catalog;
  governed: GovernedCatalog;
  /**
   * What the governed query service is made of (the arguments QueryService takes): a
   * job's SELECT runs as a query of its principal, audited as one, over tables pinned
   * to one snapshot each and, in an incremental run, narrowed to their new files.
   */
  query: { engine: QueryEngine; defaults: QueryDefaults; governance: QueryGovernance };
  quality: QualityGate;
  /**
   * Sets the target's properties after a commit, with those the quality gate keeps, in
   * one write recorded in the table's metadata history (give `quality` the same object
   * as its catalog).
   */
  propertyWrites: Pick<RunPropertyWrites, 'gathered'>;
  lineage: LineageRecorder;
  /** Told of the tables a run changed (the search index listens). */
  changes?: Pick<CatalogChanges, 'publish'>;
  /** Local scratch space: the staged result of each run lives here until it ends. */
  tempDir: string;
  /** The trusted session that writes the target's files (as ingest's). */
  writes: { memoryLimit: string; targetFileSizeBytes: number; threads?: number };
  /** Problems that must not fail a run (lineage, quality history): logged, not thrown. */
  warn?: (message: string, facts: Record<string, unknown>) => void;
}

/** The outcome as it fills up during the run, with the target's columns for lineage. */
export type RunProgress = Omit<RunOutcome, 'status' | 'error'> & {
  schema: { name: string; type: string }[];
};

export interface RunContext {
  caller: Caller;
  check: AccessCheck;
  job: JobDefinition;
  target: TableIdent;
  runId: string;
  session: Session;
  scratch: string;
  progress: RunProgress;
  signal?: AbortSignal;
}

/** Reports a problem that must not fail the run, through deps.warn or else as a JSON log line. */
export function reportProblem(
  deps: Pick<JobRunnerDeps, 'warn'>,
  message: string,
  facts: Record<string, unknown>,
): void {
  if (deps.warn !== undefined) {
    deps.warn(message, facts);
    return;
  }
  const reason = facts.err instanceof Error ? facts.err.message : undefined;
  process.stderr.write(
    `${JSON.stringify({ level: 'warn', msg: message, ...facts, err: reason })}\n`,
  );
}
