/**
 * Typo-tolerant fallback: finds the training phrase that a whole question most resembles, letter by letter.
 *
 * NLP.js needs whole, correctly spelt stems, and the typo corrector fixes one word at a time; this layer rescues
 * short questions garbled all over ("рицептии мойи", "шо ви можите") that neither can read. It is only consulted
 * when the model is unsure.
 *
 * Why not fuse.js (the first design): on this project's 2-core machine a fuse.js search over the ~800 training
 * phrases took 5–11 ms at the median and up to 25 ms, against a budget of a few milliseconds per message, and
 * fuse.js also finds a short question *inside* a long phrase ("матч" inside "направлення на мрт…"), so every hit
 * needed a whole-string check anyway. That whole-string check, an edit distance bounded by the accepted share
 * and run only on phrases of a compatible length, is enough on its own: about 1 ms at p99.
 */
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
/** Long messages are never the garbled one-liners this layer exists for, and would cost the most time. */
const MAX_LENGTH = 40;

export class FuzzyPhraseMatcher {
  /** Phrases sorted by length, so a question only meets those whose length could pass the check. */
  private readonly phrases: readonly Phrase[];

  constructor(
    phrases: readonly Phrase[],
    /** Largest accepted share of edited letters (0…1). */
    private readonly maxDistance = 0.25,
  ) {
    this.phrases = [...phrases].sort((a, b) => a.text.length - b.text.length);
  }

  /** The closest training phrase within `maxDistance`, or undefined. */
  match(normalized: string): FuzzyMatch | undefined {
    const length = normalized.length;
    if (length < MIN_LENGTH || length > MAX_LENGTH) return undefined;
    let best: FuzzyMatch | undefined;
    for (const phrase of this.phrases) {
      const longer = Math.max(length, phrase.text.length);
      const limit = Math.floor(longer * this.maxDistance);
      if (phrase.text.length < length - limit) continue;
      if (phrase.text.length > length + limit) {
        // Sorted by length: every further phrase is longer still. (limit grows with the phrase, but slower than
        // the length gap, so nothing later can pass.)
        break;
      }
      const edits = editDistance(normalized, phrase.text, limit);
      const distance = edits / longer;
      if (edits <= limit && (!best || distance < best.distance)) {
        best = { intent: phrase.intent, phrase: phrase.text, distance };
        if (edits === 0) break;
      }
    }
    return best;
  }
}
