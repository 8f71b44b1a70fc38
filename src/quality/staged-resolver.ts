import type { ResolvedTable, TableReference, TableResolver } from '../engine/index.js';
import type { Schema } from '../iceberg/index.js';

/**
 * The governed resolver, except that the job's target reads the files the job staged:
 * rows the job itself produced, not yet committed, so no table policy applies to them.
 * Every other table (a reference of ReferentialIntegrity, RowCountMatch, …) is read as
 * the caller may read it.
 */
export class StagedResolver implements Required<TableResolver> {
  constructor(
    private readonly governed: Required<TableResolver>,
    private readonly target: string,
    private readonly staged: { schema: Schema; files: string[] },
  ) {}

  #isTarget(ref: TableReference): boolean {
    return ref.at === undefined && ref.parts.join('.') === this.target;
  }

  #table(): ResolvedTable {
    // Staged files carry the target's schema exactly, so they are read by column name.
    return {
      name: this.target,
      schema: this.staged.schema,
      dataFiles: [],
      namedFiles: this.staged.files,
      snapshotId: null,
    };
  }

  resolve(ref: TableReference): Promise<ResolvedTable> {
    return this.#isTarget(ref) ? Promise.resolve(this.#table()) : this.governed.resolve(ref);
  }

  describe(
    ref: TableReference,
  ): Promise<Pick<ResolvedTable, 'name' | 'schema' | 'columns' | 'masks'>> {
    return this.#isTarget(ref) ? Promise.resolve(this.#table()) : this.governed.describe(ref);
  }
}
