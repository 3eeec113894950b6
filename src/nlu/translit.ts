import { isLatinWord } from './normalize';

/**
 * Reads Ukrainian (or Russian) typed in Latin letters: "moi retsepty", "kod dlya apteky", "vidpyshit mene".
 *
 * People without a Cyrillic keyboard (abroad, a new phone) write the way the words sound, mixing the official
 * Ukrainian transliteration (KMU 2010: "kh", "ts", "ch", "sh", "shch", "ya", "yu", "ye", "yi") with informal
 * spellings ("c" for ц, "j" for й, "ja"/"ju"/"je"). The Cyrillic that comes out is rough ("и" or "і" is a guess),
 * which is fine: the typo corrector after it repairs one wrong letter against the training vocabulary.
 *
 * A message is read this way only when none of its Latin words is one the classifier knows as English ("stop",
 * "code"), and a word only when its Cyrillic reading is a word the classifier knows: an English question with
 * one unknown word stays English.
 */

/** Letter groups first (longest first), then single letters. */
const GROUPS: ReadonlyArray<readonly [string, string]> = [
  ['shch', 'щ'],
  ['sch', 'щ'],
  // KMU writes я, ю, є after і as "ia", "iu", "ie": "Mariia", "diie" (діє).
  ['iia', 'ія'],
  ['iiu', 'ію'],
  ['iie', 'іє'],
  ['zh', 'ж'],
  ['kh', 'х'],
  ['ts', 'ц'],
  ['ch', 'ч'],
  ['sh', 'ш'],
  ['yu', 'ю'],
  ['ya', 'я'],
  ['ye', 'є'],
  ['yo', 'йо'],
  ['ju', 'ю'],
  ['ja', 'я'],
  ['je', 'є'],
  ['jo', 'йо'],
  ['iu', 'ю'],
  ['ia', 'я'],
  ['ie', 'є'],
  // Informal spelling writes "ії" as "ii" ("dii" → "дії", "aktyvatsii" → "активації").
  ['ii', 'ії'],
];

const LETTERS: Readonly<Record<string, string>> = {
  a: 'а',
  b: 'б',
  c: 'ц',
  d: 'д',
  e: 'е',
  f: 'ф',
  g: 'г',
  h: 'г',
  i: 'і',
  j: 'й',
  k: 'к',
  l: 'л',
  m: 'м',
  n: 'н',
  o: 'о',
  p: 'п',
  q: 'к',
  r: 'р',
  s: 'с',
  t: 'т',
  u: 'у',
  v: 'в',
  w: 'в',
  x: 'кс',
  y: 'и',
  z: 'з',
  "'": "'",
};

/** One Latin word in Cyrillic letters: "retsepty" → "рецепти", "yakyi" → "який", "diye" → "діє". */
export function latinToCyrillic(word: string): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    // Word-final "yi"/"iy" is the adjective ending "-ий"/"-ій" ("yakyi", "novyi").
    if (i === word.length - 2 && (word.endsWith('yi') || word.endsWith('yj'))) {
      out += 'ий';
      break;
    }
    if (i === word.length - 2 && (word.endsWith('iy') || word.endsWith('ij'))) {
      out += 'ій';
      break;
    }
    // "Yi" is "Ї" only at the start ("yizhak"); inside a word it is "и" + "і" ("kyiv" → "киів", near enough to "київ").
    if (i === 0 && word.startsWith('yi')) {
      out += 'ї';
      i += 2;
      continue;
    }
    const group = GROUPS.find(([latin]) => word.startsWith(latin, i));
    if (group) {
      out += group[1];
      i += group[0].length;
      continue;
    }
    out += LETTERS[word[i]] ?? word[i];
    i += 1;
  }
  return out;
}

/**
 * The tokens with Latin words written in Cyrillic where the Cyrillic is a word the classifier knows (or one typo
 * away from one), unless the message has at least as many known English words of three letters or more (then all
 * stay as they are). A Latin word whose Cyrillic reading means nothing stays Latin, for the English path
 * ("referals"); a known English word stays English.
 */
export function transliterateTokens(tokens: readonly string[], knownLatin: ReadonlySet<string>, recognised: (word: string) => boolean): string[] {
  // "do", "a", "i", "my" are English and Ukrainian ("до", "а", "і", "ми") alike: only longer words tell.
  const readings = tokens.map((token) => (isLatinWord(token) && token.replace(/'/g, '').length > 2 ? latinToCyrillic(token) : null));
  const readsAsUkrainian = readings.map((cyrillic) => cyrillic !== null && recognised(cyrillic));
  // A message is English when it has more English words than words that only read as Ukrainian ("retsept na
  // insulin" is Ukrainian; "insulin prescription" and "referral do likaria" are English).
  let english = 0;
  let ukrainian = 0;
  readings.forEach((cyrillic, i) => {
    if (cyrillic === null) return;
    if (knownLatin.has(tokens[i])) english += readsAsUkrainian[i] ? 0 : 1;
    else if (readsAsUkrainian[i]) ukrainian += 1;
  });
  if (ukrainian === 0 || english >= ukrainian) return [...tokens];
  return tokens.map((token, i) => (readsAsUkrainian[i] && !knownLatin.has(token) ? (readings[i] as string) : token));
}
