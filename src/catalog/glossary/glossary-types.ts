import type { TableIdent } from '../contract.js';

export const TERM_STATUSES = ['draft', 'approved'] as const;
export type TermStatus = (typeof TERM_STATUSES)[number];

export const LINK_KINDS = ['manual', 'business_metric'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** The table property that names the business metric a gold table measures. */
export const BUSINESS_METRIC_PROPERTY = 'business_metric';

export interface TermOwner {
  kind: 'principal' | 'group';
  name: string;
}

export interface GlossaryTerm {
  name: string;
  /** Markdown. */
  definition: string;
  synonyms: string[];
  owner: TermOwner | null;
  parent: string | null;
  children: string[];
  /** Related terms, symmetric: each lists the other. */
  related: string[];
  status: TermStatus;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** A term linked to a table or to one of its columns (by its current name). */
export interface GlossaryLink {
  term: string;
  /** Dotted table name, e.g. gold.revenue.customer_ltv. */
  table: string;
  column: string | null;
  kind: LinkKind;
  linkedBy: string;
  linkedAt: string;
}

export interface TermInput {
  name: string;
  definition: string;
  synonyms?: string[];
  owner?: TermOwner | null;
  parent?: string | null;
  related?: string[];
  status?: TermStatus;
}

/** A field left out is left as it is; null clears owner or parent. */
export type TermPatch = Partial<TermInput>;

export interface LinkTarget {
  table: TableIdent;
  column?: string;
}
