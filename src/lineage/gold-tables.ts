import {
  BUSINESS_METRIC_PROPERTY,
  formatTableName,
  parseTableName,
  tableSecurable,
} from '../catalog/index.js';
import type {
  AccessGate,
  CatalogService,
  GovernedCatalog,
  TableDescription,
} from '../catalog/index.js';
import { InvalidInput, NotFound } from '../errors/index.js';
import type { Caller } from '../governance/index.js';
import type { LineageModelRecord, LineageRepository } from '../metastore/index.js';

/** Table properties a gold table declares for AI use (DESIGN.md: the brief's "Gold" row). */
export const FEATURE_STORE_PROPERTIES = {
  reference: 'feature_store',
  entityKeys: 'feature_store.entity_keys',
  eventTime: 'feature_store.event_time_column',
} as const;

export interface GoldDeclaration {
  /** A glossary term; the catalog checks it exists and links the table to it. */
  businessMetric?: string;
  featureStore?: { reference: string; entityKeys: string[]; eventTimeColumn?: string | undefined };
}

export interface ModelInput {
  modelId: string;
  owner: string;
  description?: string | undefined;
  url?: string | undefined;
}

export interface GoldTablesDeps {
  catalog: Pick<CatalogService, 'describeTable'>;
  governed: Pick<GovernedCatalog, 'describeTable' | 'updateTable'>;
  gate: AccessGate;
  repository: LineageRepository;
}

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * What gold tables carry for AI: a business metric, a feature-store reference whose keys
 * and event-time column must be the table's columns, and the ML models that consume it
 * (consumer nodes in lineage and impact analysis).
 */
export class GoldTables {
  constructor(private readonly deps: GoldTablesDeps) {}

  /** Sets the properties through the governed catalog (ALTER, audited, published). */
  async declare(caller: Caller, table: string, input: GoldDeclaration): Promise<TableDescription> {
    const ident = parseTableName(table);
    const setProperties: Record<string, string> = {};
    if (input.businessMetric !== undefined) {
      setProperties[BUSINESS_METRIC_PROPERTY] = input.businessMetric;
    }
    const store = input.featureStore;
    if (store !== undefined) {
      if (ident.namespace[0] !== 'gold') {
        throw new InvalidInput(
          'NOT_A_GOLD_TABLE',
          `${formatTableName(ident)} is not in gold; only gold tables feed a feature store.`,
          { hint: 'Declare the feature store on the gold table built from it.' },
        );
      }
      const described = await this.deps.governed.describeTable(caller, ident);
      const columns = new Set(described.columns.map((c) => c.name.toLowerCase()));
      const wanted = [
        ...store.entityKeys,
        ...(store.eventTimeColumn === undefined ? [] : [store.eventTimeColumn]),
      ];
      const missing = wanted.filter((c) => !columns.has(c.toLowerCase()));
      if (store.entityKeys.length === 0 || missing.length > 0) {
        throw new InvalidInput(
          'FEATURE_STORE_COLUMN_NOT_FOUND',
          store.entityKeys.length === 0
            ? 'A feature store reference needs at least one entity key column.'
            : `${formatTableName(ident)} has no column ${missing.map((c) => `"${c}"`).join(', ')}.`,
          {
            hint: `Entity keys and the event-time column must be columns of the table: ${described.columns.map((c) => c.name).join(', ')}.`,
          },
        );
      }
      setProperties[FEATURE_STORE_PROPERTIES.reference] = store.reference;
      setProperties[FEATURE_STORE_PROPERTIES.entityKeys] = store.entityKeys.join(',');
      if (store.eventTimeColumn !== undefined) {
        setProperties[FEATURE_STORE_PROPERTIES.eventTime] = store.eventTimeColumn;
      }
    }
    if (Object.keys(setProperties).length === 0) {
      throw new InvalidInput('NOTHING_TO_DECLARE', 'Nothing to declare on the gold table.', {
        hint: 'Give a business metric, a feature store reference, or both.',
      });
    }
    return this.deps.governed.updateTable(caller, ident, { setProperties });
  }

  /** Lists a model as a consumer of the table; needs ALTER on it. */
  async addModel(caller: Caller, table: string, input: ModelInput): Promise<LineageModelRecord> {
    const ident = parseTableName(table);
    if (!MODEL_ID.test(input.modelId)) {
      throw new InvalidInput('INVALID_MODEL_ID', `"${input.modelId}" is not a model id.`, {
        hint: 'Use letters, digits, _ . : - (up to 128), e.g. churn_v3.',
      });
    }
    if (input.owner.trim() === '') {
      throw new InvalidInput('MODEL_OWNER_REQUIRED', 'A model needs an owner.', {
        hint: 'Give --owner, e.g. --owner data_science.',
      });
    }
    const name = formatTableName(ident);
    return this.deps.gate.run(caller, 'lineage.model.add', `table:${name}`, async (check) => {
      await check.require('ALTER', tableSecurable(ident));
      await this.deps.catalog.describeTable(ident);
      return this.deps.repository.addModel({
        tablePath: tableSecurable(ident).path,
        modelId: input.modelId,
        owner: input.owner.trim(),
        description: input.description ?? null,
        url: input.url ?? null,
        addedBy: caller.principal.name,
      });
    });
  }

  async listModels(caller: Caller, table: string): Promise<LineageModelRecord[]> {
    const ident = parseTableName(table);
    const name = formatTableName(ident);
    return this.deps.gate.run(caller, 'lineage.model.list', `table:${name}`, async (check) => {
      await check.require('DESCRIBE', tableSecurable(ident));
      await this.deps.catalog.describeTable(ident);
      return this.deps.repository.modelsOf(tableSecurable(ident).path);
    });
  }

  async removeModel(caller: Caller, table: string, modelId: string): Promise<void> {
    const ident = parseTableName(table);
    const name = formatTableName(ident);
    return this.deps.gate.run(caller, 'lineage.model.remove', `table:${name}`, async (check) => {
      await check.require('ALTER', tableSecurable(ident));
      if (!(await this.deps.repository.removeModel(tableSecurable(ident).path, modelId))) {
        throw new NotFound('LINEAGE_MODEL_NOT_FOUND', `${name} lists no model "${modelId}".`, {
          hint: `See its models with lakeward lineage models list ${name}.`,
        });
      }
    });
  }
}
