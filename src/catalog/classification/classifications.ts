/** The kinds of sensitive data Lakeward recognises; each is a value of the `classification` tag. */
export const CLASSIFICATIONS = [
  'email',
  'phone',
  'credit_card',
  'us_ssn',
  'iban',
  'ip_address',
  'person_name',
] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** The tag key an accepted suggestion is assigned under, e.g. classification=email. */
export const CLASSIFICATION_TAG_KEY = 'classification';

export const SUGGESTION_STATUSES = ['pending', 'accepted', 'rejected'] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

/** One suggested classification of one column, and the steward's decision on it. */
export interface ClassificationSuggestion {
  id: string;
  /** Dotted table name, e.g. bronze.crm.customers. */
  table: string;
  column: string;
  classification: Classification;
  /** 0..1: the share of sampled values that matched, adjusted by the column name. */
  confidence: number;
  /** Non-null values sampled from the column. */
  sampleSize: number;
  matchedCount: number;
  /** Whether the column's name pointed at the classification too. */
  nameHint: boolean;
  status: SuggestionStatus;
  detectedBy: string;
  detectedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  rejectReason: string | null;
}
