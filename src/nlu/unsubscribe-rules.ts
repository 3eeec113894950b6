/**
 * Deterministic detection of "stop sending me messages", checked before any statistical model.
 *
 * Why rules: an unsubscribe request answered with the patient's prescriptions is the worst mistake the bot can
 * make (the patient asked us to go away and we sent medical data instead). Statistical models get confused
 * exactly by these messages, because they usually name the data ("не надсилайте мені рецепти"). The rules work
 * on text already passed through normalizeText (lower case, Cyrillic letters, one apostrophe, single spaces).
 *
 * Each rule is a stem-based pattern, written for Ukrainian, Russian and surzhyk at once. Word boundaries are
 * spelled out as `(?:^| )` because `\b` in JavaScript only knows ASCII letters.
 */

/** Start of a word. */
const W = '(?:^| )';
/** Up to `n` arbitrary words in between, e.g. "не надсилайте МЕНІ БІЛЬШЕ повідомлення". */
const gap = (n: number): string => `(?:[^ ]+ ){0,${n}}`;

/** What a patient may want to stop: the messages themselves, in every spelling we have seen. */
const MESSAGES =
  '(?:повідомл|сповіщ|розсил|підписк|нотифікац|сообщ|уведомл|рассыл|подписк|смс|sms|вайбер|viber|спам|бот|нічого|ничего)';

/** Imperative "send / write / bother" forms: only these (not "не прийшов", "не надіслали") mean "stop". */
const SEND_IMPERATIVE =
  '(?:пиш(?:іть|и|ить|ите)|напиш(?:іть|и)|надсил(?:айте|ай)|присил(?:айте|ай)|присыл(?:айте|ай)|' +
  'шл(?:іть|и|ите)|відправл(?:яйте|яй)|отправл(?:яйте|яй)|турбу(?:йте|й)|беспоко(?:йте|й)|тревож(?:ьте|ь)|' +
  'спам(?:те|ьте|ь)|кид(?:айте|ай))';

/** Infinitives that follow "досить / не треба / хватит …". */
const SEND_INFINITIVE =
  '(?:писа|надсила|присила|присыла|слати|слать|відправля|отправля|спам|турбува|беспоко|тревож|розсил|рассыл|' +
  'повідомл|сповіщ|сообщ|уведомл|смс|sms)';

const ENOUGH =
  '(?:не треба|не потрібно|не нужно|не надо|досить|хватит|хватить|вистачить|годі|припиніть|припини|' +
  'припинити|перестаньте|перестань|прекратите|прекрати|прекратить|кінчайте|заканчивайте)';

const STOP_VERB =
  '(?:вимкн|вимик|відключ|отключ|выключ|зупин|останов|припин|прекрат|скасу|скасов|відмін|отмен|деактив|' +
  'заблок|відмов|отказ)';

const REMOVE_VERB = '(?:видал|удал|вилуч|прибер|забер|убер|исключ|виключ|викресл|вычеркн)';

/**
 * Rest of a verb that is not in the past tense. "Видаліть мене" is a request; "я видалив смс з кодом" and
 * "ви відключили сповіщення" report something that happened and are not.
 */
const NOT_PAST = '(?![^ ]*(?:л|ла|ли|ло|лась|лася|лись|лися|лось|лся|в|вся|вши)(?= |$))[^ ]*';

export interface UnsubscribeRule {
  /** Short name, shown in debugging output and tests. */
  readonly name: string;
  readonly pattern: RegExp;
  /**
   * True for rules that look only for a long keyword ("відпис…", "unsubscrib…"). Only these are also run on
   * typo-corrected text: the corrector may change a verb's form ("видалив" → "видаліть"), which would fool the
   * grammar of the phrase rules, or turn a short real word into a command ("стопа" → "стоп").
   */
  readonly keyword?: boolean;
}

export const UNSUBSCRIBE_RULES: readonly UnsubscribeRule[] = [
  // "стоп", "stop", "unsubscribe", "спам" anywhere: one-word commands people copy from SMS footers.
  { name: 'stop-word', pattern: new RegExp(`${W}(?:стоп|stop|unsubscribe|спам)(?= |$)`) },
  // відписатися / відпишіть / відписка / отписаться / отпишите, also with common misspellings of the prefix.
  {
    name: 'unsubscribe-stem',
    pattern: new RegExp(`${W}(?:(?:в[іиы]д|от|ат|од)пи[сш]|unsubscrib)`),
    keyword: true,
  },
  // "не пишіть", "більше не надсилайте мені", "не турбуйте".
  { name: 'negated-send', pattern: new RegExp(`${W}не ${gap(2)}${SEND_IMPERATIVE}(?= |$)`) },
  // "не треба мені писати", "досить надсилати", "хватит присылать сообщения".
  { name: 'enough-sending', pattern: new RegExp(`${W}${ENOUGH} ${gap(2)}${SEND_INFINITIVE}`) },
  // "не хочу отримувати повідомлення", "не хочу більше розсилку".
  {
    name: 'do-not-want-messages',
    pattern: new RegExp(`${W}не (?:хочу|хочемо|бажаю|желаю|хочется) ${gap(3)}${MESSAGES}`),
  },
  {
    name: 'do-not-want-to-receive',
    pattern: new RegExp(
      `${W}не (?:хочу|хочемо|бажаю|желаю) ${gap(1)}(?:отримувати|одержувати|получать|приймати|принимать)(?= |$)`,
    ),
  },
  // "вимкніть сповіщення", "скасувати підписку", "отключите уведомления", "відмовляюсь від повідомлень".
  { name: 'turn-off-messages', pattern: new RegExp(`${W}${STOP_VERB}${NOT_PAST} ${gap(3)}${MESSAGES}`) },
  { name: 'turn-me-off', pattern: new RegExp(`${W}${STOP_VERB}${NOT_PAST} (?:мене|меня)(?= |$)`) },
  // "видаліть мене", "заберіть мене з розсилки", "удалите мой номер".
  {
    name: 'remove-me',
    pattern: new RegExp(`${W}${REMOVE_VERB}${NOT_PAST} ${gap(1)}(?:мене|меня|мій номер|мой номер|${MESSAGES})`),
  },
  // "без повідомлень будь ласка", "без рассылки".
  {
    name: 'without-messages',
    pattern: new RegExp(
      `${W}без (?:[^ ]+ )?(?:повідомлень|сповіщень|розсилки|розсилок|сообщений|уведомлений|рассылки|рассылок|спаму)(?= |$)`,
    ),
  },
  // "набридли ваші повідомлення", "задолбали уведомления".
  {
    name: 'fed-up-with-messages',
    pattern: new RegExp(`${W}(?:набрид|задовба|задолба|дістал|достал)[^ ]* ${gap(2)}${MESSAGES}`),
  },
];

/** The first rule that says this normalised text asks to stop messages, or undefined. */
export function matchUnsubscribeRule(normalized: string): UnsubscribeRule | undefined {
  return UNSUBSCRIBE_RULES.find((rule) => rule.pattern.test(normalized));
}

/** Like {@link matchUnsubscribeRule}, for typo-corrected text: keyword rules only. */
export function matchUnsubscribeKeyword(corrected: string): UnsubscribeRule | undefined {
  return UNSUBSCRIBE_RULES.find((rule) => rule.keyword === true && rule.pattern.test(corrected));
}

/** Words that look like "відписатися" but mean something else; the fuzzy guard below must skip them. */
const LOOKS_LIKE_UNSUBSCRIBE_BUT_IS_NOT = /^(?:вип|вып|підп|подп|проп|запи|напи|опис|допи|пере|спис)/;

const UNSUBSCRIBE_KEYWORDS = ['відписатися', 'відписатись', 'відпишіть', 'відписка', 'отписаться', 'отпишите', 'отписка'];

/**
 * A looser check used only to veto data answers: a word within two edits of an unsubscribe keyword
 * ("вдписатса", "отпешите"). Misses of the strict rules end up here instead of in a list of prescriptions.
 */
export function looksLikeUnsubscribeWord(token: string, distance: (a: string, b: string, limit: number) => number): boolean {
  if (token.length < 6 || LOOKS_LIKE_UNSUBSCRIBE_BUT_IS_NOT.test(token)) return false;
  return UNSUBSCRIBE_KEYWORDS.some((keyword) => distance(token, keyword, 2) <= 2);
}
