import type { SearchRepository, SearchWord } from '../../metastore/index.js';
import { editDistance, typoAllowance, wordsOf } from './words.js';

/** At most this many corrections per misspelt word, the closest first. */
const MAX_CORRECTIONS = 5;
/** Words beyond these are ignored: a search box, not a document. */
const MAX_WORDS = 12;

export interface QueryWords {
  /** The words as typed (split and lowercased). */
  words: string[];
  /** One group per word: the word itself when the index holds it, else its corrections. */
  groups: SearchWord[][];
  /** word -> the indexed words it was corrected to. */
  corrections: Record<string, string[]>;
}

/**
 * The query's words, ready for the index: the last word also matches as a prefix
 * (the user may still be typing it); a word the index does not hold is replaced by
 * the indexed words within its typo allowance (1 edit up to 5 letters, 2 beyond).
 */
export async function queryWords(
  repository: Pick<SearchRepository, 'knownWords' | 'hasPrefix' | 'wordsOfLength'>,
  text: string,
  admits: (word: string) => Promise<boolean> = () => Promise.resolve(true),
): Promise<QueryWords> {
  const words = [...new Set(wordsOf(text))].slice(0, MAX_WORDS);
  const typing = words.length > 0 && !/\s$/u.test(text);
  const known = await repository.knownWords(words);
  const groups: SearchWord[][] = [];
  const misspelt: string[] = [];
  for (const [i, word] of words.entries()) {
    const prefix = typing && i === words.length - 1;
    if (known.has(word) || (prefix && (await repository.hasPrefix(word)))) {
      groups.push([{ word, prefix }]);
    } else {
      groups.push([]);
      misspelt.push(word);
    }
  }
  const corrections = await correct(repository, misspelt, admits);
  for (const [i, word] of words.entries()) {
    if (groups[i]!.length > 0) continue;
    const fixes = corrections[word] ?? [];
    // Nothing close: keep the word, so an all-words search finds nothing rather than too much.
    groups[i] =
      fixes.length > 0 ? fixes.map((w) => ({ word: w, prefix: false })) : [{ word, prefix: false }];
  }
  return { words, groups, corrections };
}

/**
 * The closest indexed words that `admits` lets through: the index holds the words of
 * every document, and a correction must not tell a caller a word only hidden ones hold.
 */
async function correct(
  repository: Pick<SearchRepository, 'wordsOfLength'>,
  words: string[],
  admits: (word: string) => Promise<boolean>,
): Promise<Record<string, string[]>> {
  if (words.length === 0) return {};
  const lengths = words.map((w) => [...w].length);
  const min = Math.max(1, Math.min(...lengths) - 2);
  const max = Math.max(...lengths) + 2;
  const vocabulary = await repository.wordsOfLength(min, max);
  const out: Record<string, string[]> = {};
  for (const word of words) {
    const allowance = typoAllowance(word);
    const scored = vocabulary
      .map((candidate) => ({ candidate, distance: editDistance(word, candidate, allowance) }))
      .filter((c) => c.distance <= allowance)
      .sort((a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : 1));
    // Only the closest: `custmer` means `customer`, not also `customers` two edits away.
    const close: string[] = [];
    let best = Infinity;
    for (const { candidate, distance } of scored) {
      if (distance > best || close.length === MAX_CORRECTIONS) break;
      if (!(await admits(candidate))) continue;
      best = distance;
      close.push(candidate);
    }
    if (close.length > 0) out[word] = close;
  }
  return out;
}
