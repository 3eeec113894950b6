/**
 * Guards the model against confident answers built on words that say nothing about Vistka.
 *
 * NLP.js's network ignores words it never saw and normalises its scores, so a message with one weak known word
 * gets a confident answer anyway: "хочу суші" was unsubscribe (from "хочу відписатися"), "я хворію що мені
 * пити" was help. Out-of-scope questions look exactly like that: everyday words plus words never seen in
 * training. So an in-scope answer is accepted only if the message has at least one word that training ties to
 * in-scope requests: "рецепт", "направлення", "код", "діє", "бот"… Words are compared by the model's own stems,
 * so "ботом" counts as "бот".
 *
 * Unsubscribing is held to a stricter standard, because a wrong one silences a patient's medical messages:
 * the word must be typical of unsubscribe requests themselves ("розсилка", "відписатися"), not just of the
 * service ("мені прийшло повідомлення про рецепт" mentions messages but asks about a prescription).
 */
import type { Intent } from './intents';

/** At least this share of a stem's sightings in training must be in the right examples for it to count. */
const MIN_SHARE = 0.75;
/** Stems shorter than this ("до", "є") are grammar, not topic, even when training happens to favour them. */
const MIN_STEM_LENGTH = 3;

export interface TokenisedExample {
  readonly tokens: readonly string[];
  readonly intent: Intent;
}

interface Sightings {
  total: number;
  inScope: number;
  unsubscribe: number;
}

export class InScopeEvidence {
  private readonly inScopeStems = new Set<string>();
  private readonly unsubscribeStems = new Set<string>();

  constructor(
    examples: readonly TokenisedExample[],
    private readonly stem: (word: string) => string,
  ) {
    const seen = new Map<string, Sightings>();
    for (const example of examples) {
      // Count each stem once per example, so "код код код" in one phrase does not weigh three times.
      for (const key of new Set(example.tokens.map(this.stem))) {
        const counts = seen.get(key) ?? { total: 0, inScope: 0, unsubscribe: 0 };
        counts.total += 1;
        if (example.intent !== 'unknown') counts.inScope += 1;
        if (example.intent === 'unsubscribe') counts.unsubscribe += 1;
        seen.set(key, counts);
      }
    }
    for (const [key, counts] of seen) {
      if (key.length < MIN_STEM_LENGTH) continue;
      if (counts.inScope / counts.total >= MIN_SHARE) this.inScopeStems.add(key);
      if (counts.unsubscribe / counts.total >= MIN_SHARE) this.unsubscribeStems.add(key);
    }
  }

  /** True when at least one of the (filler-free) words backs an answer of this in-scope intent. */
  supports(contentTokens: readonly string[], intent: Exclude<Intent, 'unknown'>): boolean {
    const stems = intent === 'unsubscribe' ? this.unsubscribeStems : this.inScopeStems;
    return contentTokens.some((token) => stems.has(this.stem(token)));
  }
}
