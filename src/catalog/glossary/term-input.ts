import { InvalidInput } from '../../errors/index.js';
import { TERM_STATUSES } from './glossary-types.js';
import type { TermStatus } from './glossary-types.js';

const MAX_NAME_LENGTH = 200;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A term's name as people write it: trimmed, one line, not empty. */
export function checkTermName(name: string, what = 'term'): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH || CONTROL.test(trimmed)) {
    throw new InvalidInput(
      'INVALID_GLOSSARY_TERM_NAME',
      `The ${what} name "${name}" is empty, longer than ${MAX_NAME_LENGTH} characters or has a control character.`,
      { hint: 'Name a term as people say it, on one line, e.g. "Customer LTV".' },
    );
  }
  return trimmed;
}

export function checkStatus(status: string): TermStatus {
  if (!(TERM_STATUSES as readonly string[]).includes(status)) {
    throw new InvalidInput('INVALID_GLOSSARY_STATUS', `"${status}" is not a term status.`, {
      hint: `Use one of: ${TERM_STATUSES.join(', ')}.`,
    });
  }
  return status as TermStatus;
}

/** Synonyms trimmed, empty ones dropped, each once (ignoring case). */
export function cleanSynonyms(synonyms: readonly string[]): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const synonym of synonyms) {
    const name = checkTermName(synonym, 'synonym');
    if (seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    kept.push(name);
  }
  return kept;
}
