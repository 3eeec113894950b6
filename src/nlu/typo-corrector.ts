/**
 * Replaces misspelt words with the closest word the classifier was trained on ("ріцепти" → "рецепти",
 * "напрвлення" → "направлення"). NLP.js matches word stems exactly, so one wrong letter would otherwise make the
 * word invisible to it.
 *
 * It is deliberately timid, because a wrong correction is worse than none ("пити" must not become "пиши"):
 * - short words (< 5 letters) are never corrected: too many real words are one letter apart;
 * - the first letter must match: people rarely miss it, and this keeps "підписатися" (subscribe) from turning
 *   into "відписатися" (unsubscribe);
 * - one edit at most, whatever the length: with two, real words outside the training vocabulary were turned into
 *   other real words ("записатись" → "запитати");
 * - among equally close candidates the most frequent training word wins.
 * Words are compared after folding the vowels Ukrainian, Russian and surzhyk spell differently (і/и/ы/ї, е/є/э,
 * ґ/г, soft and hard signs, "тс" heard as "ц"), so "направлєніє" is one edit from "направления", not three.
 */

const MIN_LENGTH = 5;

/**
 * Forms of "виписати" (to prescribe, to discharge): real words one letter from "відписати" (to
 * unsubscribe). "випишіть мені рецепт" must never become a stop request.
 */
const NEVER_CORRECTED = /^(?:випис|випиш)/;

const FOLDED_LETTERS: Readonly<Record<string, string>> = {
  і: 'и', ї: 'и', ы: 'и', й: 'и', є: 'е', э: 'е', ё: 'е', ґ: 'г', ь: '', ъ: '', "'": '',
};

/** Spelling-insensitive form used only for measuring distance ("направлєніє" → "направление"). */
export function foldSpelling(word: string): string {
  let folded = '';
  for (const letter of word) folded += FOLDED_LETTERS[letter] ?? letter;
  // "тс" is how "ц" is heard: "ретсепт" is "рецепт" misspelt by ear.
  return folded.replaceAll('тс', 'ц');
}

/** Rows reused by {@link editDistance}: it never yields mid-computation, so one set serves every caller. */
let rowBuffers: [Int32Array, Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Optimal-string-alignment distance (Levenshtein plus swapping two neighbours), abandoned as soon as it must
 * exceed `limit` (then `limit + 1` is returned). It runs for every unknown word and, in the fuzzy layer, against
 * hundreds of phrases, so it reuses its rows instead of allocating.
 */
export function editDistance(a: string, b: string, limit = Number.MAX_SAFE_INTEGER): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const width = b.length + 1;
  if (rowBuffers[0].length < width) {
    rowBuffers = [new Int32Array(width * 2), new Int32Array(width * 2), new Int32Array(width * 2)];
  }
  let [beforePrevious, previous, current] = rowBuffers;
  for (let j = 0; j < width; j += 1) previous[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    let rowMinimum = i;
    const letter = a.charCodeAt(i - 1);
    for (let j = 1; j < width; j += 1) {
      const cost = letter === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && letter === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        value = Math.min(value, beforePrevious[j - 2] + 1);
      }
      current[j] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum > limit) return limit + 1;
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return Math.min(previous[width - 1], limit + 1);
}

export function allowedEdits(word: string): number {
  return word.length < MIN_LENGTH ? 0 : 1;
}

export class TypoCorrector {
  /** Known words grouped by the first letter of their folded form, with how often they occur in training. */
  private readonly byFirstLetter = new Map<string, Array<{ word: string; folded: string; count: number }>>();
  private readonly known = new Set<string>();
  /** Bounded memo: the same misspellings recur, but a flood of random words must not grow memory forever. */
  private readonly memo = new Map<string, string>();
  private static readonly MEMO_LIMIT = 5000;

  /**
   * @param targets words a misspelling may be corrected to, repeated as often as they occur in training
   * @param otherKnownWords real words that are left as they are but never become a correction (the vocabulary of
   *   out-of-scope examples: "пройти" is a word, and "прийти" must not turn into it)
   */
  constructor(targets: Iterable<string>, otherKnownWords: Iterable<string> = []) {
    for (const word of otherKnownWords) this.known.add(word);
    const counts = new Map<string, number>();
    for (const token of targets) counts.set(token, (counts.get(token) ?? 0) + 1);
    for (const [word, count] of counts) {
      this.known.add(word);
      const folded = foldSpelling(word);
      if (folded.length === 0) continue;
      const bucket = this.byFirstLetter.get(folded[0]) ?? [];
      bucket.push({ word, folded, count });
      this.byFirstLetter.set(folded[0], bucket);
    }
    // Most frequent first, so the first best candidate found is the preferred one on ties.
    for (const bucket of this.byFirstLetter.values()) bucket.sort((x, y) => y.count - x.count);
  }

  /** The vocabulary word this token most likely meant, or the token itself. */
  correctWord(token: string): string {
    if (this.known.has(token) || NEVER_CORRECTED.test(token)) return token;
    const limit = allowedEdits(token);
    if (limit === 0) return token;
    const cached = this.memo.get(token);
    if (cached !== undefined) return cached;

    const folded = foldSpelling(token);
    let best = token;
    let bestDistance = limit + 1;
    for (const { word, folded: candidate } of this.byFirstLetter.get(folded[0]) ?? []) {
      const distance = editDistance(folded, candidate, Math.min(limit, bestDistance - 1));
      if (distance < bestDistance) {
        best = word;
        bestDistance = distance;
        if (distance === 0) break; // Same word in another spelling: nothing can be closer.
      }
    }
    if (this.memo.size >= TypoCorrector.MEMO_LIMIT) this.memo.clear();
    this.memo.set(token, best);
    return best;
  }

  /** Whether the word is in the vocabulary or one edit from a word the corrector would turn it into. */
  recognises(word: string): boolean {
    return this.known.has(word) || this.correctWord(word) !== word;
  }

  correctTokens(tokens: readonly string[]): string[] {
    return tokens.map((token) => this.correctWord(token));
  }
}
