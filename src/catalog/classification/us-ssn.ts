/** AAA-GG-SSSS (or with spaces), the way SSNs are written. */
const SSN = /^(\d{3})([- ])(\d{2})\2(\d{4})$/;

/**
 * A US Social Security number: never issued are area 000, 666 and 900–999, group 00
 * and serial 0000, so those are not SSNs.
 */
export function isUsSsn(value: string): boolean {
  const match = SSN.exec(value.trim());
  if (match === null) return false;
  const [, area = '', , group = '', serial = ''] = match;
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  return group !== '00' && serial !== '0000';
}
