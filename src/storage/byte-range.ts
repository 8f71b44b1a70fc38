import { InvalidInput } from '../errors/index.js';

/** Validates [start, end) and clamps end to the object size, as S3 range reads do. */
export function clampRange(
  key: string,
  start: number,
  end: number,
  size: number,
): { start: number; end: number } {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) {
    throw new InvalidInput(
      'INVALID_RANGE',
      `The byte range [${start}, ${end}) of "${key}" is not valid.`,
      { hint: 'Give whole numbers with 0 <= start <= end.' },
    );
  }
  return { start: Math.min(start, size), end: Math.min(end, size) };
}
