import { isCardNumber } from './card-number.js';
import type { Classification } from './classifications.js';
import { isEmail, isPhone } from './contact-details.js';
import { isIban } from './iban.js';
import { isIpAddress } from './ip-address.js';
import { isPersonName } from './person-name.js';
import { isUsSsn } from './us-ssn.js';

/** How one kind of sensitive data is recognised in a column. */
interface Detector {
  classification: Classification;
  /** Words of a column name (snake_case, see nameWords) that point at this kind. */
  hint: RegExp;
  matches(value: string, hinted: boolean): boolean;
  /** When only values match, confidence is scaled by this (1: values are proof enough). */
  unhintedWeight: number;
}

export const DETECTORS: readonly Detector[] = [
  {
    classification: 'email',
    hint: /(^|_)e_?mail(_|$)|(^|_)mail_?address(_|$)/,
    matches: isEmail,
    unhintedWeight: 1,
  },
  {
    classification: 'phone',
    hint: /(^|_)(phone|telephone|tel|mobile|cell|fax|msisdn)(_|$)/,
    matches: isPhone,
    unhintedWeight: 1,
  },
  {
    classification: 'credit_card',
    hint: /(^|_)(card|cc|pan|credit_?card|card_?number)(_|$)/,
    matches: isCardNumber,
    unhintedWeight: 1,
  },
  {
    classification: 'us_ssn',
    hint: /(^|_)(ssn|social_security(_number)?)(_|$)/,
    matches: isUsSsn,
    unhintedWeight: 1,
  },
  {
    classification: 'iban',
    hint: /(^|_)(iban|bank_?account|account_?number)(_|$)/,
    matches: isIban,
    unhintedWeight: 1,
  },
  {
    classification: 'ip_address',
    hint: /(^|_)(ip|ipv4|ipv6|ip_?address|remote_?addr|client_?ip|host_?address)(_|$)/,
    matches: isIpAddress,
    unhintedWeight: 1,
  },
  {
    classification: 'person_name',
    hint: /^(first|last|given|family|middle|full|customer|client|contact|employee|person|patient|user|holder|card_?holder|account_?holder|owner)_?name$|^(surname|forename|fullname|firstname|lastname)$/,
    matches: isPersonName,
    // Capitalised words that start with a given name are weak evidence alone.
    unhintedWeight: 0.5,
  },
];

/** customerEmail, Customer-Email, "customer email" → customer_email. */
export function nameWords(column: string): string {
  return column
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** What a detector found in one column's sample. */
export interface ColumnFinding {
  column: string;
  classification: Classification;
  confidence: number;
  sampleSize: number;
  matchedCount: number;
  nameHint: boolean;
}

/** The share of values that must match: the values decide, a name hint lowers the bar. */
const MIN_SHARE = 0.5;
const MIN_SHARE_HINTED = 0.2;
/** How far a name hint moves confidence towards 1. */
const HINT_BOOST = 0.5;

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * The classifications a column's sample supports. Confidence is the share of sampled
 * values that matched, raised by a name hint (halfway to 1) or lowered for detectors
 * whose values alone are weak evidence. No value match, no finding, whatever the name.
 */
export function classifyColumn(column: string, values: readonly string[]): ColumnFinding[] {
  if (values.length === 0) return [];
  const words = nameWords(column);
  const findings: ColumnFinding[] = [];
  for (const detector of DETECTORS) {
    const hinted = detector.hint.test(words);
    let matched = 0;
    for (const value of values) if (detector.matches(value, hinted)) matched++;
    const share = matched / values.length;
    if (matched === 0 || share < (hinted ? MIN_SHARE_HINTED : MIN_SHARE)) continue;
    const confidence = hinted ? share + (1 - share) * HINT_BOOST : share * detector.unhintedWeight;
    findings.push({
      column,
      classification: detector.classification,
      confidence: round(confidence),
      sampleSize: values.length,
      matchedCount: matched,
      nameHint: hinted,
    });
  }
  return findings;
}
