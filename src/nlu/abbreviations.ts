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
  // "Е-" written joined to the word: "ерецепт", "енаправлення".
  ерецепт: 'рецепт',
  ерецепти: 'рецепти',
  ерецепта: 'рецепта',
  ерецептів: 'рецептів',
  енаправлення: 'направлення',
  ескерування: 'скерування',
  // One letter typed twice in a word too short for the typo corrector.
  кодд: 'код',
};

/** Words that mean "arrived" or a message: with them, "кот" (a cat) is a mistyped "код" ("кот не прийшов"). */
const DELIVERY_WORDS = /^(?:прийш[^ ]*|приход[^ ]*|надійш[^ ]*|надход[^ ]*|пришел|пришло|приходит|смс|sms|аптек[^ ]*|підтвердження)$/;

/** The tokens with known abbreviations written out. */
export function expandAbbreviations(tokens: readonly string[]): string[] {
  const aboutDelivery = tokens.some((token) => DELIVERY_WORDS.test(token));
  return tokens.map((token) => (aboutDelivery && (token === 'кот' || token === 'кота') ? 'код' : (ABBREVIATIONS[token] ?? token)));
}
