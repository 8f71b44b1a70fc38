/**
 * How text becomes searchable words, the same for documents and queries on both
 * backends: lowercase, accents dropped, split at anything that is not a letter or a
 * digit (so `customer_ltv` is `customer` and `ltv`).
 */
export function wordsOf(text: string | null | undefined): string[] {
  if (text === null || text === undefined || text === '') return [];
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** How many typos a word may carry and still be corrected: 1 up to 5 letters, 2 beyond. */
export function typoAllowance(word: string): number {
  return [...word].length <= 5 ? 1 : 2;
}

/**
 * Levenshtein distance, or max + 1 as soon as it is sure to exceed max (most
 * vocabulary words are far from the query word, so most comparisons stop early).
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The part of a text around the first of the words it holds, with those words marked
 * «like this»; undefined when it holds none.
 */
export function highlight(
  text: string,
  matches: (word: string) => boolean,
  width = 160,
): string | undefined {
  const parts = text.split(/([^\p{L}\p{N}]+)/u);
  let first = -1;
  let offset = 0;
  const marked = parts.map((part) => {
    const start = offset;
    offset += part.length;
    if (part.length === 0 || !matches(wordsOf(part)[0] ?? '')) return part;
    if (first === -1) first = start;
    return `«${part}»`;
  });
  if (first === -1) return undefined;
  const whole = marked.join('');
  // The marks shift positions a little; the window only needs to be near the first match.
  const from = Math.max(0, first - Math.floor(width / 3));
  const cut = whole.slice(from, from + width);
  return `${from > 0 ? '…' : ''}${cut}${from + width < whole.length ? '…' : ''}`;
}
