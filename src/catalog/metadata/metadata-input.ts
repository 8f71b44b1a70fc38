import { InvalidInput, NotFound } from '../../errors/index.js';
import type { Metastore } from '../../metastore/index.js';
import { CERTIFICATIONS } from '../contract.js';
import type { Certification } from '../contract.js';

/** Who answers for a securable's data (its steward), as a caller gives it. */
export interface BusinessOwnerInput {
  kind: 'principal' | 'group';
  name: string;
  contactEmail?: string | null;
}

export interface CertificationInput {
  status: Certification;
  /** Required when deprecated. */
  reason?: string;
  /** Deprecated only: the securable of the same kind to use instead. */
  replacement?: string;
}

// Deliberately loose (RFC 5322 allows far more): one @, no spaces, a dot in the domain.
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>".]+$/;

/** Markdown as given; blank text clears the description. */
export function descriptionOf(text: string | null): string | null {
  return text === null || text.trim() === '' ? null : text;
}

export function checkEmail(email: string): string {
  const trimmed = email.trim();
  if (!EMAIL.test(trimmed)) {
    throw new InvalidInput('INVALID_EMAIL', `"${email}" is not an e-mail address.`, {
      hint: 'Give a contact address such as data-eng@example.com.',
    });
  }
  return trimmed;
}

/** The owner, checked: its e-mail is an address and the principal or group exists. */
export async function checkOwner(
  metastore: Pick<Metastore, 'principals' | 'groups'>,
  owner: BusinessOwnerInput,
): Promise<{ kind: 'principal' | 'group'; name: string; contactEmail: string | null }> {
  const contactEmail =
    owner.contactEmail === undefined || owner.contactEmail === null
      ? null
      : checkEmail(owner.contactEmail);
  if (owner.kind === 'group') {
    if ((await metastore.groups.getByName(owner.name)) === undefined) {
      throw new NotFound('GROUP_NOT_FOUND', `There is no group named ${owner.name}.`, {
        hint: 'lakeward groups list shows the groups; create it first with lakeward groups create.',
      });
    }
  } else if ((await metastore.principals.getByName(owner.name)) === undefined) {
    throw new NotFound('PRINCIPAL_NOT_FOUND', `There is no principal ${owner.name}.`, {
      hint: 'lakeward principals list shows the users and service accounts.',
    });
  }
  return { kind: owner.kind, name: owner.name, contactEmail };
}

/** A certification that is whole: deprecated with its reason; a replacement only when deprecated. */
export function checkCertification(input: CertificationInput): {
  status: Certification;
  reason: string | null;
  replacement: string | null;
} {
  if (!(CERTIFICATIONS as readonly string[]).includes(input.status)) {
    throw new InvalidInput(
      'INVALID_CERTIFICATION',
      `"${String(input.status)}" is not a certification status.`,
      { hint: `Use one of ${CERTIFICATIONS.join(', ')}.` },
    );
  }
  const reason = input.reason === undefined || input.reason.trim() === '' ? null : input.reason;
  const replacement =
    input.replacement === undefined || input.replacement.trim() === ''
      ? null
      : input.replacement.trim();
  if (input.status === 'deprecated' && reason === null) {
    throw new InvalidInput('DEPRECATION_REASON_REQUIRED', 'A deprecation needs a reason.', {
      hint: 'Say why users should stop using it, e.g. --reason "replaced by daily_v2".',
    });
  }
  if (input.status !== 'deprecated' && replacement !== null) {
    throw new InvalidInput(
      'INVALID_CERTIFICATION',
      `Only a deprecated securable has a replacement, not a ${input.status} one.`,
      { hint: 'Drop the replacement, or certify it as deprecated.' },
    );
  }
  return { status: input.status, reason, replacement };
}
