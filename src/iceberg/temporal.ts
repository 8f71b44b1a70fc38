/** Calendar arithmetic on Iceberg's epoch-based temporal values (UTC, proleptic Gregorian). */

export const MICROS_PER_DAY = 86_400_000_000n;
export const MICROS_PER_HOUR = 3_600_000_000n;
const MS_PER_DAY = 86_400_000;

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Units of a timestamp type per microsecond: 1000 for the nanosecond types. */
export function unitsPerMicro(type: string): bigint {
  return type.endsWith('_ns') ? 1000n : 1n;
}

export function civilOfDays(days: number): { year: number; month: number; day: number } {
  const date = new Date(days * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Days since 1970-01-01 of a calendar date. */
export function daysOfCivil(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / MS_PER_DAY);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function yearText(year: number): string {
  return year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
}

export function formatDate(days: number): string {
  const { year, month, day } = civilOfDays(days);
  return `${yearText(year)}-${pad(month)}-${pad(day)}`;
}

function fractionText(units: bigint, digits: number): string {
  if (units === 0n) return '';
  return `.${units.toString().padStart(digits, '0')}`;
}

/** Time of day from microseconds since midnight: HH:MM:SS[.ffffff]. */
export function formatTime(micros: bigint): string {
  const seconds = Number(micros / 1_000_000n);
  const clock = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return clock + fractionText(micros % 1_000_000n, 6);
}

/** ISO-8601 local date-time of a timestamp in the type's unit; zoned types get +00:00. */
export function formatTimestamp(type: string, value: bigint): string {
  const perMicro = unitsPerMicro(type);
  const perSecond = 1_000_000n * perMicro;
  const seconds = floorDiv(value, perSecond);
  const fraction = value - seconds * perSecond;
  const days = Number(floorDiv(seconds, 86_400n));
  const secondOfDay = Number(seconds - BigInt(days) * 86_400n);
  const time = formatTime(BigInt(secondOfDay) * 1_000_000n);
  const zone = type.startsWith('timestamptz') ? '+00:00' : '';
  return `${formatDate(days)}T${time}${fractionText(fraction, perMicro === 1n ? 6 : 9)}${zone}`;
}

export function formatMonth(months: number): string {
  const year = 1970 + Math.floor(months / 12);
  return `${yearText(year)}-${pad(floorMod(months, 12) + 1)}`;
}

export function formatHour(hours: number): string {
  const days = Math.floor(hours / 24);
  return `${formatDate(days)}-${pad(floorMod(hours, 24))}`;
}
