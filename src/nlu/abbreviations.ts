/**
 * Shortened words patients type ("напр на узд", "направ. до окуліста", "рец від лікаря"): the full word, so the
 * model and the typo corrector see a word they know. Only unambiguous stubs of this bot's own vocabulary.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  напр: 'направлення',
  направ: 'направлення',
  направл: 'направлення',
  направлен: 'направлення',
  скер: 'скерування',
  рец: 'рецепт',
  реце: 'рецепт',
  рецеп: 'рецепт',
  рцпт: 'рецепт',
};

/** The tokens with known abbreviations written out. */
export function expandAbbreviations(tokens: readonly string[]): string[] {
  return tokens.map((token) => ABBREVIATIONS[token] ?? token);
}
