/**
 * Typo-tolerant fallback: finds the training phrase that a question most resembles, letter by letter.
 *
 * NLP.js needs whole, correctly spelt stems; this does not, so it rescues garbled questions such as
 * "рицептии мойи" that the model cannot read. It is only consulted when the model is unsure.
 *
 * fuse.js proposes candidates, but it happily finds a short question *inside* a long phrase ("матч" inside
 * "направлення на мрт…"), so each candidate is then checked as a whole: the edit distance between the question
 * and the phrase must be a small share of their length.
 */
import Fuse from 'fuse.js';
import { editDistance } from './typo-corrector';

export interface FuzzyMatch {
  readonly intent: string;
  /** The training phrase that matched, for debugging. */
  readonly phrase: string;
  /** Edits needed to turn the question into the phrase, divided by the longer length: 0 is identical. */
  readonly distance: number;
}

interface Phrase {
  readonly text: string;
  readonly intent: string;
}

/** Very short questions are too easy to match by accident ("ок" is two edits from "код"). */
const MIN_LENGTH = 5;
const CANDIDATES = 5;

export class FuzzyPhraseMatcher {
  private readonly fuse: Fuse<Phrase>;

  constructor(
    phrases: readonly Phrase[],
    /** Largest accepted share of edited letters (0…1). */
    private readonly maxDistance = 0.25,
  ) {
    this.fuse = new Fuse([...phrases], {
      keys: ['text'],
      includeScore: true,
      // Word order and position inside the phrase carry no meaning in a chat message.
      ignoreLocation: true,
      threshold: 0.4,
      ignoreFieldNorm: true,
    });
  }

  /** The closest training phrase within `maxDistance`, or undefined. */
  match(normalized: string): FuzzyMatch | undefined {
    if (normalized.length < MIN_LENGTH) return undefined;
    let best: FuzzyMatch | undefined;
    for (const { item } of this.fuse.search(normalized, { limit: CANDIDATES })) {
      const longer = Math.max(normalized.length, item.text.length);
      const limit = Math.floor(longer * this.maxDistance);
      const distance = editDistance(normalized, item.text, limit) / longer;
      if (distance <= this.maxDistance && (!best || distance < best.distance)) {
        best = { intent: item.intent, phrase: item.text, distance };
      }
    }
    return best;
  }
}
