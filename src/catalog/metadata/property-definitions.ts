import { Conflict, InvalidInput, NotFound } from '../../errors/index.js';
import type { Caller } from '../../governance/index.js';
import type {
  Metastore,
  PropertyDefinitionRecord,
  PropertyUseRecord,
} from '../../metastore/index.js';
import type { AccessGate } from '../access-gate.js';
import { CATALOG } from '../catalog-securables.js';
import type { Layer } from '../contract.js';
import { patched } from './metadata-changes.js';
import type { MetadataTarget } from './metadata-target.js';
import { targetName } from './metadata-target.js';
import { checkDefinition, ruleBroken, ruleText } from './property-rules.js';
import type {
  PropertyDefinition,
  PropertyDefinitionInput,
  PropertyRule,
} from './property-rules.js';

/** A change to a properties map, as the catalog's update use cases take it. */
export interface PropertyPatch {
  setProperties?: Record<string, string>;
  removeProperties?: string[];
}

export interface PropertyDefinitionsDeps {
  metastore: Pick<Metastore, 'metadata'>;
  gate: AccessGate;
}

/** How many securables a refusal names, and how many are looked at before refusing. */
const SHOWN_USERS = 5;
const CHECKED_USERS = 100_000;

function toDefinition(record: PropertyDefinitionRecord): PropertyDefinition {
  return {
    name: record.name,
    type: record.type as PropertyDefinition['type'],
    pattern: record.rule.pattern ?? null,
    min: record.rule.min ?? null,
    max: record.rule.max ?? null,
    values: record.rule.values ?? [],
    description: record.description,
    appliesTo: record.appliesTo,
    requiredIn: record.requiredIn as Layer[],
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

function toRecord(checked: ReturnType<typeof checkDefinition>) {
  return {
    name: checked.name,
    type: checked.type,
    rule: {
      ...(checked.pattern === null ? {} : { pattern: checked.pattern }),
      ...(checked.min === null ? {} : { min: checked.min }),
      ...(checked.max === null ? {} : { max: checked.max }),
      ...(checked.type === 'enum' ? { values: checked.values } : {}),
    },
    description: checked.description,
    appliesTo: checked.appliesTo,
    requiredIn: checked.requiredIn,
  };
}

function usersText(users: readonly PropertyUseRecord[]): string {
  const shown = users
    .slice(0, SHOWN_USERS)
    .map((u) => `${u.securable.kind} ${u.securable.path.join('.')}`);
  return users.length > SHOWN_USERS
    ? `${shown.join(', ')} and ${users.length - SHOWN_USERS} more`
    : shown.join(', ');
}

/** The value breaks its definition: names the property, the value and the rule. */
export function invalidValue(rule: PropertyRule, value: string, broken: string): InvalidInput {
  return new InvalidInput(
    'PROPERTY_VALUE_INVALID',
    `The property ${rule.name}="${value}" ${broken} (defined as ${ruleText(rule)}).`,
    {
      hint: `Give ${rule.name} a value that is ${ruleText(rule)}; lakeward catalog properties list shows every definition.`,
      details: { property: rule.name, value, rule: ruleText(rule) },
    },
  );
}

/**
 * Typed custom properties: an admin (or a holder of MANAGE_GRANTS on the catalog)
 * declares them; every value written under a declared name is then checked.
 */
export class PropertyDefinitions {
  readonly #metastore: PropertyDefinitionsDeps['metastore'];
  readonly #gate: AccessGate;

  constructor(deps: PropertyDefinitionsDeps) {
    this.#metastore = deps.metastore;
    this.#gate = deps.gate;
  }

  /** force: define it even though values already set under the name break it. */
  async define(
    caller: Caller,
    input: PropertyDefinitionInput,
    options: { force?: boolean } = {},
  ): Promise<PropertyDefinition> {
    const checked = checkDefinition(input);
    return this.#gate.run(
      caller,
      'property_definition.create',
      resource(input.name),
      async (check) => {
        await check.require('MANAGE_GRANTS', CATALOG);
        if (options.force !== true) await this.#refuseBrokenValues(checked);
        const record = await this.#metastore.metadata.createDefinition({
          ...toRecord(checked),
          createdBy: caller.principal.name,
        });
        return toDefinition(record);
      },
    );
  }

  /** Replaces the rule of a definition; values already set must follow it unless forced. */
  async update(
    caller: Caller,
    input: PropertyDefinitionInput,
    options: { force?: boolean } = {},
  ): Promise<PropertyDefinition> {
    const checked = checkDefinition(input);
    return this.#gate.run(
      caller,
      'property_definition.update',
      resource(input.name),
      async (check) => {
        await check.require('MANAGE_GRANTS', CATALOG);
        if (options.force !== true) await this.#refuseBrokenValues(checked);
        return toDefinition(await this.#metastore.metadata.replaceDefinition(toRecord(checked)));
      },
    );
  }

  /** Refused while a securable carries the property, unless forced (the values stay, untyped). */
  drop(caller: Caller, name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.#gate.run(caller, 'property_definition.delete', resource(name), async (check) => {
      await check.require('MANAGE_GRANTS', CATALOG);
      const users = await this.#metastore.metadata.propertyUsers(name, CHECKED_USERS);
      if (users.length > 0 && options.force !== true) {
        throw new Conflict(
          'PROPERTY_DEFINITION_IN_USE',
          `The property ${name} is set on ${users.length} securable(s): ${usersText(users)}.`,
          {
            hint: 'Unset it there first, or drop the definition with --force (the values stay as free properties).',
            details: { property: name, users: users.length },
          },
        );
      }
      await this.#metastore.metadata.deleteDefinition(name);
    });
  }

  /** One definition; anyone signed in may read it. */
  get(caller: Caller, name: string): Promise<PropertyDefinition> {
    return this.#gate.run(caller, 'property_definition.describe', resource(name), async () => {
      const record = await this.#metastore.metadata.getDefinition(name);
      if (record === undefined) throw definitionNotFound(name);
      return toDefinition(record);
    });
  }

  /** Every definition, by name; anyone signed in may read them. */
  list(caller: Caller): Promise<PropertyDefinition[]> {
    return this.#gate.run(caller, 'property_definition.list', undefined, async () =>
      (await this.#metastore.metadata.listDefinitions()).map(toDefinition),
    );
  }

  /**
   * Refuses a change to the properties of a securable that breaks a definition: a
   * value against its rule, a property on a kind it does not apply to, or (when
   * properties are written, or the securable is being created) a required one missing.
   */
  async check(
    target: MetadataTarget,
    before: Record<string, string>,
    patch: PropertyPatch,
    options: { creating?: boolean } = {},
  ): Promise<void> {
    const set = patch.setProperties ?? {};
    const removed = patch.removeProperties ?? [];
    const writes = Object.keys(set).length > 0 || removed.length > 0;
    if (!writes && options.creating !== true) return;
    const rules = await this.#rules();
    for (const [key, value] of Object.entries(set)) {
      const rule = rules.get(key);
      if (rule === undefined) continue;
      if (!rule.appliesTo.includes(target.kind)) {
        throw new InvalidInput(
          'PROPERTY_NOT_APPLICABLE',
          `The property ${key} applies to ${rule.appliesTo.join(', ')}, not to ${target.kind} ${targetName(target)}.`,
          { hint: `Set ${key} only on a ${rule.appliesTo.join(' or ')}, or widen its definition.` },
        );
      }
      const broken = ruleBroken(rule, value);
      if (broken !== undefined) throw invalidValue(rule, value, broken);
    }
    const missing = missingOf([...rules.values()], target, patched(before, set, removed));
    if (missing.length > 0) {
      const layer = target.path[0] ?? '';
      throw new InvalidInput(
        'PROPERTY_REQUIRED',
        `${layer} ${target.kind}s must have ${missing.join(', ')}; ${targetName(target)} would not.`,
        {
          hint: `Set ${missing.map((m) => `${m}=…`).join(' ')} in the same change.`,
          details: { missing },
        },
      );
    }
  }

  /** Required properties (for the securable's kind and layer) that the properties lack. */
  async missing(target: MetadataTarget, properties: Record<string, string>): Promise<string[]> {
    return missingOf([...(await this.#rules()).values()], target, properties);
  }

  async #rules(): Promise<Map<string, PropertyDefinition>> {
    const all = await this.#metastore.metadata.listDefinitions();
    return new Map(all.map((r) => [r.name, toDefinition(r)]));
  }

  async #refuseBrokenValues(rule: PropertyRule): Promise<void> {
    const users = await this.#metastore.metadata.propertyUsers(rule.name, CHECKED_USERS);
    const broken = users.filter(
      (u) => !rule.appliesTo.includes(u.securable.kind) || ruleBroken(rule, u.value) !== undefined,
    );
    if (broken.length === 0) return;
    const example = broken[0]!;
    throw new Conflict(
      'PROPERTY_DEFINITION_IN_USE',
      `${broken.length} securable(s) already set ${rule.name} against the rule ${ruleText(rule)} on ${rule.appliesTo.join(', ')}: ${usersText(broken)} (e.g. "${example.value}").`,
      {
        hint: 'Correct those values first, or pass --force to declare the rule anyway (they are then reported, not rewritten).',
        details: { property: rule.name, broken: broken.length },
      },
    );
  }
}

function missingOf(
  rules: readonly PropertyRule[],
  target: MetadataTarget,
  properties: Record<string, string>,
): string[] {
  const layer = target.path[0];
  return rules
    .filter((r) => r.appliesTo.includes(target.kind) && r.requiredIn.some((l) => l === layer))
    .filter((r) => !Object.hasOwn(properties, r.name))
    .map((r) => r.name);
}

function definitionNotFound(name: string): NotFound {
  return new NotFound('PROPERTY_DEFINITION_NOT_FOUND', `No property is defined as "${name}".`, {
    hint: 'List the definitions with lakeward catalog properties list.',
  });
}

function resource(name: string): string {
  return `property_definition:${name}`;
}
