/**
 * Questions that mention prescriptions, referrals or codes but cannot be answered from the patient's own data:
 * definitions ("що таке е-рецепт") and prices ("скільки коштує аналіз"). Their domain words pull a bag-of-words
 * model towards a data intent, while the question itself is always out of scope for Vistka, so they are
 * recognised by their question form instead (Ukrainian/Russian, and English). Works on normalised text.
 */

const W = '(?:^| )';
const END = '(?= |$)';

const DEFINITION = new RegExp(
  // "що таке з моїм кодом" asks what is wrong, not for a definition, hence the look-ahead.
  `${W}(?:що|шо|что|чо) (?:це |это )?(?:таке|такое|означає|означа|значить|значит|означает)${END}(?! з | с | со )`,
);

const PRICE = new RegExp(
  `${W}(?:кошту[а-яіїєґ']*|вартість|вартості|ціна|ціни|цін|ціну|стоит|стоят|стоить|стоимость|цена|цены|цену|почем|почому|грн|гривень)${END}`,
);

/**
 * English definitions: "what is a prescription", "what's an e-referral", "what does referral mean".
 * Not "what is my code" or "what is the code": those ask for the patient's own data.
 */
const DEFINITION_EN = new RegExp(
  `${W}(?:(?:what|whats|what's) (?:is |are )?(?:a|an|e)(?= )|what (?:does|do) (?:[^ ]+ ){1,3}mean${END}|` +
    `meaning of${END}|define${END})`,
);

/** English prices: "how much does insulin cost", "price of paracetamol". */
const PRICE_EN = new RegExp(`${W}(?:cost|costs|price|prices|pricing|uah|hryvnia|hryvnias)${END}`);

export interface OutOfScopeRule {
  readonly name: string;
  readonly pattern: RegExp;
}

export const OUT_OF_SCOPE_RULES: readonly OutOfScopeRule[] = [
  { name: 'definition-question', pattern: DEFINITION },
  { name: 'price-question', pattern: PRICE },
  { name: 'definition-question-en', pattern: DEFINITION_EN },
  { name: 'price-question-en', pattern: PRICE_EN },
];

/** The first rule saying this normalised text is out of scope despite its domain words, or undefined. */
export function matchOutOfScopeRule(normalized: string): OutOfScopeRule | undefined {
  return OUT_OF_SCOPE_RULES.find((rule) => rule.pattern.test(normalized));
}
