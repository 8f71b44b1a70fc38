import { InvalidInput } from '../../errors/index.js';
import { LAYERS } from '../contract.js';
import type { Layer } from '../contract.js';
import { METADATA_KINDS } from './metadata-target.js';
import type { MetadataKind } from './metadata-target.js';

export const PROPERTY_TYPES = ['string', 'number', 'integer', 'boolean', 'enum', 'date'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** A typed custom property: the rule every value written under its name must follow. */
export interface PropertyDefinition {
  name: string;
  type: PropertyType;
  /** string: a regular expression the whole value must match. */
  pattern: string | null;
  /** number, integer: inclusive bounds. */
  min: number | null;
  max: number | null;
  /** enum: the allowed values. */
  values: string[];
  description: string | null;
  /** Kinds of securables the property may be set on. */
  appliesTo: MetadataKind[];
  /** Layers whose securables (of the kinds above) must carry the property. */
  requiredIn: Layer[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface PropertyDefinitionInput {
  name: string;
  type: PropertyType;
  pattern?: string;
  min?: number;
  max?: number;
  values?: string[];
  description?: string;
  /** Default: namespaces, tables and volumes. */
  appliesTo?: MetadataKind[];
  requiredIn?: Layer[];
}

/** The parts of a definition that decide what values are valid. */
export type PropertyRule = Pick<
  PropertyDefinition,
  'name' | 'type' | 'pattern' | 'min' | 'max' | 'values' | 'appliesTo' | 'requiredIn'
>;

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER = /^-?\d+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function invalidDefinition(message: string, hint: string): InvalidInput {
  return new InvalidInput('INVALID_PROPERTY_DEFINITION', message, { hint });
}

/** Checks a definition as an admin wrote it; returns it with its defaults filled in. */
export function checkDefinition(input: PropertyDefinitionInput): Omit<PropertyRule, 'name'> & {
  name: string;
  description: string | null;
} {
  const { name, type } = input;
  if (!NAME.test(name)) {
    throw invalidDefinition(
      `"${name}" is not a valid property name.`,
      'Use letters, digits, _ . : and -, starting with a letter or _, e.g. business_domain.',
    );
  }
  if (!(PROPERTY_TYPES as readonly string[]).includes(type)) {
    throw invalidDefinition(
      `"${String(type)}" is not a property type.`,
      `Use one of ${PROPERTY_TYPES.join(', ')}.`,
    );
  }
  const numeric = type === 'number' || type === 'integer';
  if (input.pattern !== undefined && type !== 'string') {
    throw invalidDefinition(
      `Only string properties take a pattern, not ${type}.`,
      'Drop --pattern.',
    );
  }
  if ((input.min !== undefined || input.max !== undefined) && !numeric) {
    throw invalidDefinition(
      `Only number and integer properties take min and max, not ${type}.`,
      'Drop the bounds, or make the property a number.',
    );
  }
  if (input.values !== undefined && type !== 'enum') {
    throw invalidDefinition(`Only enum properties take values, not ${type}.`, 'Drop the values.');
  }
  if (input.pattern !== undefined) compilePattern(input.pattern);
  for (const bound of [input.min, input.max]) {
    if (
      bound !== undefined &&
      (!Number.isFinite(bound) || (type === 'integer' && !Number.isInteger(bound)))
    ) {
      throw invalidDefinition(
        `The bound ${bound} is not a finite ${type}.`,
        'Give numeric bounds.',
      );
    }
  }
  if (input.min !== undefined && input.max !== undefined && input.min > input.max) {
    throw invalidDefinition(
      `min ${input.min} is above max ${input.max}.`,
      'Give min ≤ max, e.g. --min 0 --max 1.',
    );
  }
  const values = input.values ?? [];
  if (type === 'enum' && (values.length === 0 || values.some((v) => v === ''))) {
    throw invalidDefinition(
      `The enum property "${name}" needs at least one non-empty value.`,
      'e.g. --values finance,marketing,sales',
    );
  }
  if (new Set(values).size !== values.length) {
    throw invalidDefinition(`The values of "${name}" repeat one another.`, 'List each value once.');
  }
  const appliesTo = input.appliesTo ?? [...METADATA_KINDS];
  if (
    appliesTo.length === 0 ||
    appliesTo.some((k) => !(METADATA_KINDS as readonly string[]).includes(k))
  ) {
    throw invalidDefinition(
      `"${appliesTo.join(',')}" is not a list of kinds a property applies to.`,
      `Use some of ${METADATA_KINDS.join(', ')}.`,
    );
  }
  const requiredIn = input.requiredIn ?? [];
  if (requiredIn.some((l) => !(LAYERS as readonly string[]).includes(l))) {
    throw invalidDefinition(
      `"${requiredIn.join(',')}" is not a list of layers.`,
      `Use some of ${LAYERS.join(', ')}.`,
    );
  }
  return {
    name,
    type,
    pattern: input.pattern ?? null,
    min: input.min ?? null,
    max: input.max ?? null,
    values,
    description: input.description ?? null,
    appliesTo: [...new Set(appliesTo)],
    requiredIn: [...new Set(requiredIn)],
  };
}

function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch (err) {
    throw invalidDefinition(
      `The pattern /${pattern}/ is not a valid regular expression: ${(err as Error).message}.`,
      'Write a JavaScript regular expression, e.g. [A-Z]{2}-\\d+.',
    );
  }
}

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** What the value breaks of the rule, in words; undefined when it follows it. */
export function ruleBroken(rule: PropertyRule, value: string): string | undefined {
  switch (rule.type) {
    case 'string':
      if (rule.pattern !== null && !compilePattern(rule.pattern).test(value)) {
        return `must match the pattern /${rule.pattern}/`;
      }
      return undefined;
    case 'number':
    case 'integer': {
      const syntax = rule.type === 'integer' ? INTEGER : NUMBER;
      if (!syntax.test(value.trim()))
        return `must be ${rule.type === 'integer' ? 'an integer' : 'a number'}`;
      const n = Number(value);
      if (rule.min !== null && n < rule.min) return `must be at least ${rule.min}`;
      if (rule.max !== null && n > rule.max) return `must be at most ${rule.max}`;
      return undefined;
    }
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : 'must be true or false';
    case 'enum':
      return rule.values.includes(value) ? undefined : `must be one of ${rule.values.join(', ')}`;
    case 'date':
      return isCalendarDate(value) ? undefined : 'must be a date as YYYY-MM-DD';
  }
}

/** The rule in a few words, for listings: `number 0..1`, `enum a|b`, `string /[A-Z]+/`. */
export function ruleText(rule: PropertyRule): string {
  switch (rule.type) {
    case 'string':
      return rule.pattern === null ? 'string' : `string /${rule.pattern}/`;
    case 'number':
    case 'integer':
      return rule.min === null && rule.max === null
        ? rule.type
        : `${rule.type} ${rule.min ?? ''}..${rule.max ?? ''}`;
    case 'enum':
      return `enum ${rule.values.join('|')}`;
    default:
      return rule.type;
  }
}
