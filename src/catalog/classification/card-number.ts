import { passesLuhn } from './checksums.js';

/** Issuer prefixes (IIN ranges) and the lengths their cards have. */
const ISSUERS: { from: number; to: number; digits: number; lengths: number[] }[] = [
  { from: 4, to: 4, digits: 1, lengths: [13, 16, 19] }, // Visa
  { from: 51, to: 55, digits: 2, lengths: [16] }, // Mastercard
  { from: 2221, to: 2720, digits: 4, lengths: [16] }, // Mastercard 2-series
  { from: 34, to: 34, digits: 2, lengths: [15] }, // American Express
  { from: 37, to: 37, digits: 2, lengths: [15] },
  { from: 6011, to: 6011, digits: 4, lengths: [16, 17, 18, 19] }, // Discover
  { from: 644, to: 649, digits: 3, lengths: [16, 17, 18, 19] },
  { from: 65, to: 65, digits: 2, lengths: [16, 17, 18, 19] },
  { from: 62, to: 62, digits: 2, lengths: [16, 17, 18, 19] }, // UnionPay
  { from: 300, to: 305, digits: 3, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { from: 36, to: 36, digits: 2, lengths: [14, 15, 16, 17, 18, 19] },
  { from: 38, to: 39, digits: 2, lengths: [16, 17, 18, 19] },
  { from: 3528, to: 3589, digits: 4, lengths: [16, 17, 18, 19] }, // JCB
  { from: 50, to: 50, digits: 2, lengths: [13, 14, 15, 16, 17, 18, 19] }, // Maestro
  { from: 56, to: 69, digits: 2, lengths: [13, 14, 15, 16, 17, 18, 19] },
  { from: 2200, to: 2204, digits: 4, lengths: [16, 17, 18, 19] }, // Mir
];

/** Digits in groups separated by single spaces or hyphens, as cards are printed and typed. */
const CARD_TEXT = /^\d+(?:[ -]\d+)*$/;

function knownIssuer(digits: string): boolean {
  return ISSUERS.some((issuer) => {
    const prefix = Number(digits.slice(0, issuer.digits));
    return prefix >= issuer.from && prefix <= issuer.to && issuer.lengths.includes(digits.length);
  });
}

/** A payment card number: 13–19 digits of a known issuer that pass the Luhn check. */
export function isCardNumber(value: string): boolean {
  const text = value.trim();
  if (!CARD_TEXT.test(text)) return false;
  const digits = text.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  // All one digit passes Luhn for some lengths, but is a placeholder, not a card.
  if (/^(\d)\1+$/.test(digits)) return false;
  return knownIssuer(digits) && passesLuhn(digits);
}
