import { isLatinWord } from './normalize';

/**
 * A very light English word folding for patients whose Viber speaks English.
 *
 * The model's stemmer is Ukrainian (NLP.js lang-uk) and leaves Latin words untouched, so "prescriptions" and
 * "prescription" would be two unrelated words to it. No English stemmer is installed, and the English
 * vocabulary of this bot is a few dozen words, so folding the regular plural / third-person "-s" and a few
 * verb endings is enough: "prescriptions" → "prescription", "expires"/"expired"/"expiring" → "expir",
 * "referrals" → "referral". Only purely Latin words are touched; the same folding is applied to training
 * phrases and to questions, so the two always agree.
 */

/** Words that end in "s" but are not plurals, or are too short to fold safely. */
const KEEP: ReadonlySet<string> = new Set([
  'is', 'was', 'has', 'does', 'this', 'its', 'us', 'yes', 'sms', 'less', 'bus', 'plus', 'news',
]);

/** The folded form of one token; non-Latin tokens are returned unchanged. */
export function foldEnglishWord(token: string): string {
  if (!isLatinWord(token) || KEEP.has(token)) return token;
  let word = token.replace(/'s$/, '').replace(/'/g, '');
  if (word.length >= 5 && word.endsWith('ies')) word = `${word.slice(0, -3)}y`;
  else if (word.length >= 4 && word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) word = word.slice(0, -1);
  // expire / expires / expired / expiring / expiry / expiration all say "until when".
  if (word.startsWith('expir')) return 'expir';
  if (word.length >= 6 && word.endsWith('ing')) word = word.slice(0, -3);
  else if (word.length >= 5 && word.endsWith('ed')) word = word.slice(0, -2);
  else if (word.length >= 6 && word.endsWith('e')) word = word.slice(0, -1);
  return word;
}

/** {@link foldEnglishWord} over a token list. */
export function foldEnglishWords(tokens: readonly string[]): string[] {
  return tokens.map(foldEnglishWord);
}
