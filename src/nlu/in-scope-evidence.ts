/**
 * Guards the model against confident answers built on words that say nothing about Vistka.
 *
 * NLP.js's network ignores words it never saw and normalises its scores, so a message with one weak known word
 * gets a confident answer anyway: "хочу суші" was unsubscribe (from "хочу відписатися"), "я хворію що мені
 * пити" was help. Out-of-scope questions look exactly like that: everyday words plus words never seen in
 * training. So an in-scope answer is accepted only if the message has at least one word that training ties to
 * in-scope requests: "рецепт", "направлення", "код", "діє", "відписатися", "бот"… Words are compared by the
 * model's own stems, so "ботом" counts as "бот".
 */

/** At least this share of a stem's sightings in training must be in in-scope examples for it to count. */
const MIN_IN_SCOPE_SHARE = 0.75;

export interface TokenisedExample {
  readonly tokens: readonly string[];
  readonly inScope: boolean;
}

export class InScopeEvidence {
  private readonly evidenceKeys = new Set<string>();

  constructor(
    examples: readonly TokenisedExample[],
    private readonly wordKey: (word: string) => string,
  ) {
    const seen = new Map<string, { total: number; inScope: number }>();
    for (const example of examples) {
      // Count each key once per example, so "код код код" in one phrase does not weigh three times.
      for (const key of new Set(example.tokens.map(this.wordKey))) {
        const counts = seen.get(key) ?? { total: 0, inScope: 0 };
        counts.total += 1;
        if (example.inScope) counts.inScope += 1;
        seen.set(key, counts);
      }
    }
    for (const [key, counts] of seen) {
      if (counts.inScope / counts.total >= MIN_IN_SCOPE_SHARE) {
        this.evidenceKeys.add(key);
      }
    }
  }

  /** True when at least one of the (filler-free) words is typical of in-scope requests. */
  supports(contentTokens: readonly string[]): boolean {
    return contentTokens.some((token) => this.evidenceKeys.has(this.wordKey(token)));
  }
}
