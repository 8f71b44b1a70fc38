const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/** RFC 5322's unquoted local part and a DNS host with a letter-only top-level domain. */
const EMAIL = new RegExp(
  `^[A-Za-z0-9!#$%&'*+/=?^_\`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_\`{|}~-]+)*@(?:${LABEL}\\.)+[A-Za-z]{2,63}$`,
);

/** An e-mail address as people store them (no quoted local parts, no IP literals). */
export function isEmail(value: string): boolean {
  const text = value.trim();
  if (text.length > 254) return false;
  const at = text.lastIndexOf('@');
  return at > 0 && at <= 64 && EMAIL.test(text);
}

/** +<country code><number>, with optional spaces, dots, hyphens or one (area) group. */
const INTERNATIONAL = /^\+[1-9]\d{0,3}(?:[ .-]?\(?\d{1,5}\)?)+$/;
/** North American: (212) 555-0100, 212-555-0100, 212.555.0100, 1-212-555-0100. */
const NORTH_AMERICAN = /^(?:1[ .-]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}$/;
/** Trunk-prefixed national numbers in groups: 020 7946 0958, 01 23 45 67 89, 030-1234567. */
const NATIONAL = /^\(?0\d{1,4}\)?(?:[ .-]\d{2,8}){1,4}$/;

function digitCount(text: string): number {
  return text.replace(/\D/g, '').length;
}

/**
 * A phone number in E.164 or a common national format. A bare run of digits is not
 * one (it is as likely an id or an amount): national formats need their separators.
 */
export function isPhone(value: string): boolean {
  const text = value.trim();
  if (text.startsWith('+')) {
    const digits = digitCount(text);
    return INTERNATIONAL.test(text) && digits >= 8 && digits <= 15;
  }
  if (NORTH_AMERICAN.test(text)) return true;
  if (!NATIONAL.test(text)) return false;
  const digits = digitCount(text);
  return digits >= 9 && digits <= 11;
}
