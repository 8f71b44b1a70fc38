import type { GrantRepository, TagAssignmentRecord, TagRepository } from '../../metastore/index.js';

export interface GovernanceSources {
  tags: Pick<TagRepository, 'listAssignments'>;
  grants: Pick<GrantRepository, 'list'>;
}

type Kind = 'namespace' | 'table' | 'volume';

function key(kind: string, path: readonly string[]): string {
  return `${kind}:${JSON.stringify(path)}`;
}

/**
 * Tags and owners as governance holds them, read once for a batch of documents (a
 * rebuild reads them once, not once per table).
 */
export class GovernanceFacts {
  readonly #tags = new Map<string, TagAssignmentRecord[]>();
  readonly #columnTags = new Map<string, TagAssignmentRecord[]>();
  readonly #owners = new Map<string, string>();

  private constructor(tags: TagAssignmentRecord[], owners: { key: string; name: string }[]) {
    for (const t of tags) {
      const at =
        t.securable.kind === 'column'
          ? [this.#columnTags, key('table', t.securable.path.slice(0, -1))]
          : [this.#tags, key(t.securable.kind, t.securable.path)];
      const [map, k] = at as [Map<string, TagAssignmentRecord[]>, string];
      map.set(k, [...(map.get(k) ?? []), t]);
    }
    for (const o of owners) this.#owners.set(o.key, o.name);
  }

  static async read(sources: GovernanceSources): Promise<GovernanceFacts> {
    const [tags, grants] = await Promise.all([
      sources.tags.listAssignments(),
      sources.grants.list(),
    ]);
    const owners = grants
      .filter((g) => g.privilege === 'OWNER')
      .map((g) => ({ key: key(g.securable.kind, g.securable.path), name: g.grantee.name }));
    return new GovernanceFacts(tags, owners);
  }

  /**
   * Effective tags as key=value: inherited from the namespaces above, overridden by
   * closer ones, then the thing's own; a table's also carries its columns' tags, so a
   * search for sensitivity=pii finds the tables that hold such columns.
   */
  tagsOf(kind: Kind, path: readonly string[]): string[] {
    const effective = new Map<string, string>();
    const namespaces = kind === 'namespace' ? path.length : path.length - 1;
    for (let depth = 1; depth <= namespaces; depth++) {
      for (const t of this.#tags.get(key('namespace', path.slice(0, depth))) ?? []) {
        effective.set(t.key, t.value);
      }
    }
    if (kind !== 'namespace') {
      for (const t of this.#tags.get(key(kind, path)) ?? []) effective.set(t.key, t.value);
    }
    const own = [...effective].map(([k, v]) => `${k}=${v}`);
    const columns = (this.#columnTags.get(key(kind, path)) ?? []).map((t) => `${t.key}=${t.value}`);
    return [...new Set([...own, ...columns])];
  }

  /** The principal or group that owns it in governance, if one was recorded. */
  ownerOf(kind: Kind, path: readonly string[]): string | undefined {
    return this.#owners.get(key(kind, path));
  }
}
