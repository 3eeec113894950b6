/**
 * Builds the text the NLP.js model sees from a message's content words.
 *
 * NLP.js's Ukrainian stemmer handles noun endings well but leaves most verb forms and all Russian words apart:
 * "вмієш" / "вмієте", "действует" / "действия" / "действителен" each become a different feature, so a form that
 * training happened not to contain is invisible. Each longer word is therefore also given as its first letters
 * (marked with "_" so it never collides with a real word), a crude stem shared by all its forms.
 */

export interface PrefixFeatureSettings {
  /** How many leading letters form the extra feature. */
  readonly prefixLength: number;
  /** Words shorter than this get no extra feature: their prefix would be most of the word anyway. */
  readonly minWordLength: number;
}

export const DEFAULT_PREFIX_FEATURES: PrefixFeatureSettings = { prefixLength: Number(process.env.PL ?? 4), minWordLength: Number(process.env.ML ?? 5) };

export function toModelText(contentTokens: readonly string[], settings = DEFAULT_PREFIX_FEATURES): string {
  if (settings.prefixLength <= 0) return contentTokens.join(' ');
  const prefixes = contentTokens
    .filter((token) => token.length >= settings.minWordLength)
    .map((token) => `${token.slice(0, settings.prefixLength)}_`);
  return [...contentTokens, ...prefixes].join(' ');
}
