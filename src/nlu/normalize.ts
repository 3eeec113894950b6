/**
 * Text normalisation shared by training and classification.
 *
 * Patients type on phones with mixed keyboards: the same word arrives with three kinds of apostrophe, in capitals,
 * with Latin letters that look like Cyrillic ones ("рeцeпт" with a Latin "e"), with emoji and punctuation. Both
 * the training phrases and every incoming question go through {@link normalizeText}, so the classifier only ever
 * sees one spelling of each word. The result is for matching only: never show it to a patient.
 */

/**
 * The few emoji that say something on their own: a wave is a greeting, a pill asks about medicines. Every other
 * emoji is only decoration and becomes a space like punctuation.
 */
const EMOJI_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\u{1F44B}\u{1F590}\u{270B}\u{1F91A}\u{1F64B}]/gu, ' привіт '],
  [/\u{1F48A}/gu, ' ліки '],
];

/** Every character people use for the Ukrainian apostrophe (ASCII, typographic, modifier letter, backtick, prime…). */
const APOSTROPHES = /[\u0027\u2019\u2018\u02BC\u02B9\u0060\u00B4\u2032\u201B\uFF07]/g;

/**
 * Latin letters (after lower-casing) that are drawn like a Cyrillic letter. "b" stands for the capital "B" ≈ "В"
 * and "h" for "H" ≈ "Н", because capitals are what phone keyboards mix up and we lower-case first.
 */
const LATIN_TO_CYRILLIC: Readonly<Record<string, string>> = {
  a: 'а',
  b: 'в',
  c: 'с',
  e: 'е',
  h: 'н',
  i: 'і',
  k: 'к',
  m: 'м',
  o: 'о',
  p: 'р',
  t: 'т',
  x: 'х',
  y: 'у',
  // A Latin letter with a diaeresis that looks exactly like the Ukrainian one.
  ï: 'ї',
};

const CYRILLIC_LETTER = /\p{Script=Cyrillic}/u;
const LATIN_LETTER = /\p{Script=Latin}/u;

/**
 * Replaces Latin look-alikes inside a token that is really a Cyrillic word. A token qualifies when it has at least
 * one Cyrillic letter and either every Latin letter in it has a Cyrillic twin or Cyrillic letters are the majority.
 * Purely Latin tokens ("stop", "help", "sms") are left alone: they are real Latin words.
 */
function fixLookAlikes(token: string): string {
  const letters = [...token];
  const cyrillic = letters.filter((ch) => CYRILLIC_LETTER.test(ch)).length;
  if (cyrillic === 0) return token;
  const latin = letters.filter((ch) => LATIN_LETTER.test(ch));
  if (latin.length === 0) return token;
  const allHaveTwins = latin.every((ch) => ch in LATIN_TO_CYRILLIC);
  if (!allHaveTwins && cyrillic <= latin.length) return token;
  return letters.map((ch) => LATIN_TO_CYRILLIC[ch] ?? ch).join('');
}

/**
 * Normalises a patient's message for intent matching:
 * lower-cases (Ukrainian locale), unifies apostrophes to `'`, turns Latin look-alike letters inside Cyrillic words
 * into Cyrillic, reads a wave and a pill emoji as words and replaces other punctuation, symbols and emoji with
 * spaces, and collapses whitespace.
 * An apostrophe survives only between two letters ("з'явився"); quotes around words are dropped.
 * Hyphens split words, so "е-рецепт" and "е рецепт" come out the same.
 */
export function normalizeText(input: string): string {
  let worded = input;
  for (const [emoji, word] of EMOJI_WORDS) worded = worded.replace(emoji, word);
  const unified = worded
    .normalize('NFC')
    .toLocaleLowerCase('uk')
    // After NFC, й and ї are single code points; what is left of combining marks is stress accents ("реце́пт"),
    // which must vanish rather than split the word.
    .replace(/\p{M}+/gu, '')
    .replace(APOSTROPHES, "'")
    .replace(/'{2,}/g, "'")
    // ё is Russian; treating it as е lets "ещё" and "еще" match.
    .replace(/ё/g, 'е')
    // Drawn-out words: "стоооп", "дякууую", "stoooop" lose the stretch. A vowel three times or more is one
    // vowel; a consonant keeps two, since Ukrainian doubles them ("направленнння" → "направлення").
    .replace(/([аеєиіїоуюяыэaeiouy])\1{2,}/gu, '$1')
    .replace(/(\p{L})\1{2,}/gu, '$1$1');
  // Anything that is not a letter, a digit or an apostrophe separates words (punctuation, emoji, symbols, _).
  const spaced = unified.replace(/[^\p{L}\p{N}']+/gu, ' ');
  const tokens = spaced
    .split(' ')
    .map((token) => token.replace(/^'+|'+$/g, ''))
    .filter((token) => token.length > 0)
    .map(fixLookAlikes);
  return tokens.join(' ');
}

/** Splits normalised text into its words. */
export function tokenize(normalized: string): string[] {
  return normalized.length === 0 ? [] : normalized.split(' ');
}

const LATIN_WORD = /^[a-z']+$/;

/** Whether a normalised token is a word in Latin letters (English, or Ukrainian typed in Latin). */
export function isLatinWord(token: string): boolean {
  return LATIN_WORD.test(token);
}
