import { describe, expect, it } from 'vitest';
import { isCardNumber } from '../../../src/catalog/classification/card-number.js';
import { passesLuhn, passesMod97 } from '../../../src/catalog/classification/checksums.js';
import { isEmail, isPhone } from '../../../src/catalog/classification/contact-details.js';
import { classifyColumn, nameWords } from '../../../src/catalog/classification/detectors.js';
import { isIban } from '../../../src/catalog/classification/iban.js';
import { isIpAddress } from '../../../src/catalog/classification/ip-address.js';
import { isPersonName } from '../../../src/catalog/classification/person-name.js';
import { isUsSsn } from '../../../src/catalog/classification/us-ssn.js';

describe('checksums', () => {
  it('Luhn accepts valid numbers and refuses one changed digit', () => {
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
    expect(passesLuhn('')).toBe(false);
  });

  it('mod 97 of a rearranged IBAN leaves 1', () => {
    expect(passesMod97('370400440532013000DE89')).toBe(true);
    expect(passesMod97('370400440532013000DE88')).toBe(false);
  });
});

describe('credit card numbers', () => {
  it.each([
    '4111111111111111', // Visa
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '5500 0000 0000 0004', // Mastercard
    '2223000048400011', // Mastercard 2-series
    '378282246310005', // Amex, 15 digits
    '6011111111111117', // Discover
    '3530111333300000', // JCB
    '30569309025904', // Diners, 14 digits
    '4222222222222', // Visa, 13 digits
  ])('accepts %s', (card) => expect(isCardNumber(card)).toBe(true));

  it.each([
    ['4111111111111112', 'fails Luhn'],
    ['1234567812345670', 'passes Luhn but no issuer starts with 1'],
    ['0000000000000000', 'one repeated digit'],
    ['411111111111', 'too short (12 digits)'],
    ['41111111111111111111', 'too long (20 digits)'],
    ['4111_1111_1111_1111', 'unknown separator'],
    ['4111  1111 1111 1111', 'double separator'],
    ['37828224631000', 'Amex prefix, wrong length'],
    ['card 4111111111111111', 'text around it'],
  ])('refuses %s (%s)', (card) => expect(isCardNumber(card)).toBe(false));
});

describe('US SSNs', () => {
  it.each(['123-45-6789', '078-05-1120', '123 45 6789', '899-99-9999'])('accepts %s', (ssn) =>
    expect(isUsSsn(ssn)).toBe(true),
  );

  it.each([
    ['000-12-3456', 'area 000'],
    ['666-12-3456', 'area 666'],
    ['900-12-3456', 'area 9xx'],
    ['123-00-4567', 'group 00'],
    ['123-45-0000', 'serial 0000'],
    ['123456789', 'no separators'],
    ['123-45 6789', 'mixed separators'],
    ['123-456-789', 'phone-like grouping'],
  ])('refuses %s (%s)', (ssn) => expect(isUsSsn(ssn)).toBe(false));
});

describe('IBANs', () => {
  it.each([
    'DE89370400440532013000',
    'DE89 3704 0044 0532 0130 00',
    'GB82WEST12345698765432',
    'gb82 west 1234 5698 7654 32',
    'FR1420041010050500013M02606',
    'NO9386011117947',
    'NL91ABNA0417164300',
  ])('accepts %s', (iban) => expect(isIban(iban)).toBe(true));

  it.each([
    ['DE89370400440532013001', 'wrong checksum'],
    ['GB82WEST12345698765433', 'wrong checksum'],
    ['DE8937040044053201300', 'too short for DE'],
    ['XX89370400440532013000', 'unknown country'],
    ['DE89-3704-0044-0532-0130-00', 'hyphens'],
  ])('refuses %s (%s)', (iban) => expect(isIban(iban)).toBe(false));
});

describe('e-mail addresses', () => {
  it.each([
    'ann@example.com',
    'first.last+tag@mail.co.uk',
    "o'brien@example.ie",
    'X_Y@sub.example.org',
  ])('accepts %s', (email) => expect(isEmail(email)).toBe(true));

  it.each([
    'ann@example',
    'ann.example.com',
    '@example.com',
    'ann@@example.com',
    'ann..x@example.com',
    'ann@-example.com',
    'ann @example.com',
    'ann@example.c0m',
  ])('refuses %s', (email) => expect(isEmail(email)).toBe(false));
});

describe('phone numbers', () => {
  it.each([
    '+14155552671',
    '+44 20 7946 0958',
    '+49 (30) 1234567',
    '+33 1 23 45 67 89',
    '(212) 555-0100',
    '212-555-0100',
    '212.555.0100',
    '1-212-555-0100',
    '020 7946 0958',
    '01 23 45 67 89',
    '030-1234567',
  ])('accepts %s', (phone) => expect(isPhone(phone)).toBe(true));

  it.each([
    ['4155552671', 'a bare run of digits'],
    ['12345678901234', 'a long id'],
    ['2024-01-15', 'a date'],
    ['01-02-2024', 'a European date'],
    ['123-45-6789', 'an SSN'],
    ['4111 1111 1111 1111', 'a card number'],
    ['+1', 'too short'],
    ['+1234567890123456', 'too long for E.164'],
    ['555-0100', 'no area code'],
    ['3.14159', 'a number'],
  ])('refuses %s (%s)', (phone) => expect(isPhone(phone)).toBe(false));
});

describe('IP addresses', () => {
  it.each(['192.168.0.1', '8.8.8.8', '::1', '2001:db8::ff00:42:8329', 'fe80::1%eth0'])(
    'accepts %s',
    (ip) => expect(isIpAddress(ip)).toBe(true),
  );

  it.each(['256.1.1.1', '1.2.3', '01.2.3.4', '192.168.0.1/24', '1.2.3.4:80', 'gggg::1'])(
    'refuses %s',
    (ip) => expect(isIpAddress(ip)).toBe(false),
  );
});

describe('person names', () => {
  it('with a name hint, any capitalised name tokens count', () => {
    for (const name of [
      'Ann',
      'Zoltan Kovacs',
      "Seán O'Brien",
      'Jean-Luc Picard',
      'Ludwig van Beethoven',
    ]) {
      expect(isPersonName(name, true)).toBe(true);
    }
  });

  it('without a hint, two or more tokens starting with a common given name are needed', () => {
    expect(isPersonName('Mary Smith', false)).toBe(true);
    expect(isPersonName('Zoltan Kovacs', false)).toBe(false);
    expect(isPersonName('Mary', false)).toBe(false);
    expect(isPersonName('New York', false)).toBe(false);
  });

  it('refuses lower-case, upper-case, digits and long text', () => {
    for (const text of [
      'mary smith',
      'MARY SMITH',
      'Mary Smith 2',
      'Mary Had A Little Lamb Today',
    ]) {
      expect(isPersonName(text, true)).toBe(false);
    }
  });
});

describe('classifyColumn', () => {
  const emails = Array.from({ length: 100 }, (_, i) => `user${i}@example.com`);

  it('splits column names into words', () => {
    expect(nameWords('customerEmail')).toBe('customer_email');
    expect(nameWords('First Name')).toBe('first_name');
  });

  it('confidence is the share of matching values, raised by a name hint', () => {
    const half = [...emails.slice(0, 60), ...Array.from({ length: 40 }, () => 'n/a')];
    const [plain] = classifyColumn('contact', half);
    expect(plain).toMatchObject({ classification: 'email', matchedCount: 60, sampleSize: 100 });
    expect(plain?.confidence).toBe(0.6);
    expect(plain?.nameHint).toBe(false);
    const [hinted] = classifyColumn('email_address', half);
    expect(hinted?.confidence).toBe(0.8);
    expect(hinted?.nameHint).toBe(true);
  });

  it('a name hint alone suggests nothing: the values decide', () => {
    expect(classifyColumn('email', ['n/a', 'unknown', 'none'])).toEqual([]);
    expect(classifyColumn('ssn', [])).toEqual([]);
  });

  it('few matches without a hint suggest nothing; with a hint they may', () => {
    const few = [...emails.slice(0, 30), ...Array.from({ length: 70 }, () => 'n/a')];
    expect(classifyColumn('notes', few)).toEqual([]);
    expect(classifyColumn('email', few).map((f) => f.classification)).toEqual(['email']);
  });

  it('names found only by their values have low confidence', () => {
    const names = ['Mary Smith', 'John Brown', 'Linda Jones', 'James Miller'];
    const [unhinted] = classifyColumn('contact', names);
    expect(unhinted).toMatchObject({ classification: 'person_name', confidence: 0.5 });
    const [hinted] = classifyColumn('customer_name', names);
    expect(hinted).toMatchObject({ classification: 'person_name', confidence: 1 });
  });

  it('ordinary text gets no suggestion', () => {
    const text = ['Blue widget, large', 'Shipped on time', 'Red Gadget', 'New York', '42', 'n/a'];
    expect(classifyColumn('description', text)).toEqual([]);
  });
});
