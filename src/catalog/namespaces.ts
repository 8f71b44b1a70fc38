import { AlreadyExists, Conflict, InvalidInput } from '../errors/index.js';
import type { Metastore, NamespaceRecord } from '../metastore/index.js';
import { namespaceExists, namespaceNotFound } from './catalog-errors.js';
import type { CatalogService, NamespaceDescription } from './contract.js';
import { checkNamespace, formatNamespace } from './names.js';

type NamespacePatch = Parameters<CatalogService['updateNamespace']>[1];

export function namespaceDescription(record: NamespaceRecord): NamespaceDescription {
  return {
    path: [...record.path],
    description: record.description,
    owner: record.owner,
    properties: { ...record.properties },
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

export function patchProperties(
  current: Record<string, string>,
  set: Record<string, string> = {},
  remove: readonly string[] = [],
): Record<string, string> {
  const next = { ...current, ...set };
  for (const key of remove) delete next[key];
  return next;
}

function isWithin(path: readonly string[], ancestor: readonly string[]): boolean {
  return ancestor.length <= path.length && ancestor.every((level, i) => path[i] === level);
}

/** Namespace use cases; the table side of a cascading drop lives in the catalog. */
export class Namespaces {
  constructor(private readonly metastore: Pick<Metastore, 'namespaces' | 'tables'>) {}

  async get(path: readonly string[]): Promise<NamespaceRecord> {
    const record = await this.metastore.namespaces.get([...path]);
    if (record === undefined) throw namespaceNotFound(path);
    return record;
  }

  async exists(path: readonly string[]): Promise<boolean> {
    return (await this.metastore.namespaces.get([...path])) !== undefined;
  }

  /** Missing ancestors are created too, so `bronze.a.b` can be made in one step (as mkdir -p). */
  async create(
    path: string[],
    input: NonNullable<Parameters<CatalogService['createNamespace']>[1]> = {},
  ): Promise<NamespaceDescription> {
    checkNamespace(path);
    if (await this.exists(path)) throw namespaceExists(path);
    for (let depth = 1; depth < path.length; depth++) {
      await this.ensure(path.slice(0, depth), input.owner);
    }
    const record = await this.metastore.namespaces.create({
      path,
      properties: { ...(path.length === 1 ? { layer: path[0]! } : {}), ...input.properties },
      description: input.description ?? null,
      owner: input.owner ?? null,
    });
    return namespaceDescription(record);
  }

  /** Creates the namespace unless it exists; a concurrent creator winning is fine. */
  async ensure(path: string[], owner?: string): Promise<void> {
    if (await this.exists(path)) return;
    try {
      await this.metastore.namespaces.create({
        path,
        properties: path.length === 1 ? { layer: path[0]! } : {},
        owner: owner ?? null,
      });
    } catch (err) {
      if (!(err instanceof AlreadyExists)) throw err;
    }
  }

  async list(parent: string[] = []): Promise<NamespaceDescription[]> {
    if (parent.length > 0) await this.get(parent);
    const records = await this.metastore.namespaces.listChildren(parent);
    return records.map(namespaceDescription);
  }

  async describe(path: string[]): Promise<NamespaceDescription> {
    return namespaceDescription(await this.get(path));
  }

  async update(path: string[], patch: NamespacePatch): Promise<NamespaceDescription> {
    const current = await this.get(path);
    const record = await this.metastore.namespaces.update(path, {
      properties: patchProperties(current.properties, patch.setProperties, patch.removeProperties),
      ...(patch.description === undefined ? {} : { description: patch.description }),
    });
    return namespaceDescription(record);
  }

  async rename(from: string[], to: string[]): Promise<void> {
    if (from.length === 1) {
      throw new InvalidInput('CANNOT_RENAME_LAYER', `The layer ${from[0]} cannot be renamed.`, {
        hint: 'Rename a namespace inside a layer, e.g. bronze.retail.',
      });
    }
    checkNamespace(to);
    if (isWithin(to, from)) {
      throw new InvalidInput(
        'INVALID_RENAME',
        `Namespace ${formatNamespace(from)} cannot be moved inside itself (${formatNamespace(to)}).`,
        { hint: 'Choose a target outside the namespace being renamed.' },
      );
    }
    await this.get(from);
    if (await this.exists(to)) throw namespaceExists(to);
    await this.get(to.slice(0, -1));
    await this.metastore.namespaces.rename(from, to);
  }

  /** Refuses layers and, unless emptied by the caller first, namespaces with content. */
  async checkDroppable(path: string[]): Promise<{ children: string[][]; tables: number }> {
    if (path.length === 1) {
      throw new InvalidInput('CANNOT_DROP_LAYER', `The layer ${path[0]} cannot be dropped.`, {
        hint: 'Drop the namespaces inside it instead.',
      });
    }
    await this.get(path);
    const children = await this.metastore.namespaces.listChildren(path);
    const tables = await this.metastore.tables.list(path);
    return { children: children.map((c) => c.path), tables: tables.length };
  }

  notEmpty(path: readonly string[], content: { children: string[][]; tables: number }): Conflict {
    return new Conflict(
      'NAMESPACE_NOT_EMPTY',
      `Namespace ${formatNamespace(path)} is not empty: it holds ${content.tables} table(s) and ${content.children.length} namespace(s).`,
      { hint: 'Drop what it holds first, or drop it with --cascade.' },
    );
  }

  async delete(path: string[]): Promise<void> {
    await this.metastore.namespaces.delete(path);
  }
}
