/**
 * Deterministic detection of "stop sending me messages", checked before any statistical model.
 *
 * Why rules: an unsubscribe request answered with the patient's prescriptions is the worst mistake the bot can
 * make (the patient asked us to go away and we sent medical data instead). Statistical models get confused
 * exactly by these messages, because they usually name the data ("не надсилайте мені рецепти"). The rules work
 * on text already passed through normalizeText (lower case, Cyrillic letters, one apostrophe, single spaces).
 *
 * Each rule is a stem-based pattern, written for Ukrainian, Russian and surzhyk at once. Word boundaries are
 * spelled out as `(?:^| )` because `\b` in JavaScript only knows ASCII letters. English rules (Viber language
 * "en") come last.
 *
 * Stop requests that name only the data ("не треба кодів", "мне не нужны ваши коды", "без кодів", "достали ваши
 * коды") count too: a needless "turn off messages?" question costs the patient one tap, while answering such a
 * request with codes is the worst mistake. Questions about missing or broken data ("не прийшов код", "не можу
 * знайти направлення", "код не підходить") name no want or need and are left to the model.
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

/** Stems of the verbs of sending, in any form: надсилати, присылать, слати, скидати, писати… */
const SENDING_STEMS = 'писа|надсила|присила|присыла|слати|слать|відправля|отправля|скида|скидыва|кида';

/** Infinitives that follow "досить / не треба / хватит …". */
const SEND_INFINITIVE =
  `(?:${SENDING_STEMS}|спам|турбува|беспоко|тревож|розсил|рассыл|повідомл|сповіщ|сообщ|уведомл|смс|sms)`;

/** Infinitives of sending that, negated, make a request: "не надсилати", "не присылать". */
const NEGATED_INFINITIVE =
  '(?:надсилати|присилати|висилати|слати|писати|відправляти|скидати|кидати|присилать|присылать|высылать|слать|' +
  'писать|отправлять|скидывать|кидать)';

const ENOUGH =
  '(?:не треба|не потрібно|не нужно|не надо|досить|хватит|хватить|вистачить|годі|припиніть|припини|' +
  'припинити|перестаньте|перестань|прекратите|прекрати|прекратить|кінчайте|заканчивайте)';

const STOP_VERB =
  '(?:вимкн|вимик|відключ|отключ|выключ|зупин|останов|припин|прекрат|скасу|скасов|відмін|отмен|деактив|' +
  // "відкл повідомлення": the stub, as a word of its own ("відкладіть" is another verb).
  "заблок|відмов|отказ|(?:відкл|откл)(?= ))";

const REMOVE_VERB = '(?:видал|удал|вилуч|прибер|прибра|забер|убер|убра|исключ|виключ|викресл|вычеркн)';

/**
 * Rest of a verb that is not in the past tense. "Видаліть мене" is a request; "я видалив смс з кодом" and
 * "ви відключили сповіщення" report something that happened and are not.
 */
const NOT_PAST = '(?![^ ]*(?:л|ла|ли|ло|лась|лася|лись|лися|лось|лся|в|вся|вши)(?= |$))[^ ]*';

/**
 * The data itself, as the object of "I don't need …": codes, prescriptions, referrals (with the misspellings
 * and Russian/surzhyk forms seen most), plus the messages. Stems, so every case ending is covered.
 */
const DATA =
  '(?:код|р[еиіэ]ц[еиэ]п|ресепт|(?:напр?а?вл|нарпавл|напарвл)[еєиі]н|направлін|скерув|скеров|' +
  'повідомл|сповіщ|розсил|нотифікац|сообщ|уведомл|рассыл|смс|sms|спам|бот(?:а|ом|у|и|ів|ы|ов)?(?= |$))';

/**
 * "Not needed / not wanted": не треба, не потрібні, не нужны, не надо, не хочу… also written together
 * ("нетреба", "ненада") and "не цікавлять / не интересуют".
 */
const NOT_NEEDED =
  'н[еэ] ?(?:тр[еэє]б[аоу]|потрібн[^ ]*|потрібен|потрибн[^ ]*|нужн[^ ]*|нужен|нада|надо|хочу|хочемо|хочеться|хочется|' +
  'бажаю|желаю|цікав[^ ]*|интерес[^ ]*)';

/** "чи не потрібен рецепт…", "хіба не треба код" ask whether something is required; they are not refusals. */
const NOT_A_QUESTION = '(?<!(?:^| )(?:чи|хіба|хиба|разве|неужели) )';

/**
 * Infinitives that change the meaning of "не треба …": "код не треба вводити" asks how to use a code. Verbs of
 * receiving, seeing and sending ("не хочу бачити ваші рецепти", "не треба мені сюди направлення слати") keep the
 * stop meaning, so they are allowed.
 */
const OTHER_INFINITIVE = `(?!(?:отримува|одержува|получа|бачи|видет|чита|приходи|${SENDING_STEMS})[^ ]* )[^ ]*(?:ти|ть|тись|тися|ться|чь)`;
/** Up to three words between "не треба" and the data, none of them such an infinitive nor "щоб" (a new clause). */
const NEEDED_GAP = `(?:(?!${OTHER_INFINITIVE} |щоб |шоб |чтобы |чтоб )[^ ]+ ){0,3}`;
/** The data word, and not followed by an infinitive of another kind ("код не треба вводити"). */
const NO_OTHER_INFINITIVE_AFTER = `(?! ${OTHER_INFINITIVE}(?= |$))`;

/** "Fed up with": набридли, надоели, задовбали, достали… */
const FED_UP =
  '(?:набрид|надоел|надоїл|надоiл|задовба|задолба|заколеба|задрал|дістал|достал|замучил|бісят|бесят|' +
  'дратують|раздражают)[^ ]*';

/**
 * "Enough of …": "досить кодів", "хватит с меня рецептов". Only pronouns and demonstratives may come between,
 * because "досить" also means "quite" ("досить довго чекаю код").
 */
const ENOUGH_OF =
  '(?:досить|хватит|хватить|годі|вистачить|достатньо|довольно)(?! ли) ' +
  '(?:(?:мені|мне|с|з|зі|со|меня|мене|вже|уже|цих|этих|ваших|ваши|ваші|твоїх|твоих|цими|этими|вашими|' +
  'своїми|своими) ){0,3}';

/** Rude "what the hell do I need …for": нафіга, нафіг, нахрена. Not "навіщо", which may be a real question. */
const WHAT_FOR_SLANG = '(?:на ?фіга|на ?фига|нафіг|нафиг|на ?хрена|нахрін|нахер[^ ]*|на ?хера|нах[уі]я)';

/** Plural genitives after "без": "без кодів", "без ваших рецептів", "без направлень". */
const WITHOUT_DATA =
  '(?:кодів|кодов|кодив|рецептів|рецептов|рецептив|рецептіф|направлень|направлєній|направлений|направленій|' +
  'направлінь|скерувань)';

/** English names of the messages themselves. */
const EN_MESSAGES =
  '(?:messages?|msgs?|notifications?|notifs?|texts?|sms|spam|alerts?|reminders?|updates?|viber|bot|chat|' +
  'this|these|them|it)';
/** English objects of "I don't need / no more …": the messages and the data they carry. */
const EN_OBJECT = `(?:${EN_MESSAGES}|codes?|prescriptions?|referrals?|anything)`;
/** English "send / write / bother" verbs. */
const EN_SEND =
  '(?:send|sending|text|texting|message|messaging|write|writing|spam|spamming|bother|contact|notify|email)';
/** English "do not", unless it is "why don't you…" or "if you don't…", which ask for the data. */
const EN_DONT = "(?<!(?:why|if|you|u|they) )(?:don't|dont|do not|don t)";

/** Words that may stand around a bare "enough" without changing it: thanks, "already", "please", "from me". */
const AROUND_ENOUGH =
  "(?:дякую|дякуємо|спасибі|спасибо|ну|все|всё|вже|уже|будь ласка|пожалуйста|пліз|please|pls|thanks|з мене|с меня|мені|мне|" +
  'мене|меня|а|та|і|и|ok|ок|окей|так|да)';

/**
 * A whole message that is only "enough" / "stop it" / "turn it off", with at most such words around it:
 * "досить", "дякую, досить", "перестаньте", "годі вже", "вимкніть", "enough". On its own "досить" means
 * "enough"; inside a sentence it may mean "quite" ("досить довго чекаю код"), hence the whole message.
 */
const BARE_ENOUGH = new RegExp(
  `^(?:${AROUND_ENOUGH} ){0,3}(?:досить|хватит|хватить|годі|вистачить|достатньо|довольно|перестань|перестаньте|` +
    'перестати|припини|припиніть|припинити|прекрати|прекратите|прекратить|закінчити|закінчіть|закінчуйте|' +
    'заканчивайте|кінчайте|вимкни|вимкніть|вимкнути|відключи|відключіть|відключити|отключи|отключите|отключить|' +
    'выключи|выключите|выключить|зупиніть|зупини|остановите|останови|enough|(?:that s|thats|that is) enough)' +
    `(?: ${AROUND_ENOUGH}){0,3}$`,
);

/** Words of wanting before "тільки смс" in a short message: "хочу", "можна", "надалі мені"… ("код прийшов" is not one). */
const WANT_WORDS =
  '(?:хочу|хочемо|можна|можно|мені|мне|нам|а|тепер|надалі|далі|дальше|давайте|краще|лучше|хай|нехай|пусть|прошу|ну|я|' +
  'отримувати|получать|будь ласка|пожалуйста)';

/** "Only by SMS": the patient wants the SMS and not Viber, which is what stopping Viber messages gives. */
const SMS_ONLY = '(?:тільки|лише|лиш|только|виключно|исключительно) (?:по |через |в |у |на )?(?:смс|sms|есемес)[^ ]*';

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
  { name: 'stop-word', pattern: new RegExp(`${W}(?:стоп|stop|unsubscribe|unsub|спам)(?= |$)`) },
  // відписатися / відпишіть / відписка / отписаться / отпишите, also with common misspellings of the prefix.
  {
    name: 'unsubscribe-stem',
    pattern: new RegExp(`${W}(?:(?:в[іиы]д|от|ат|од)пи[сш]|unsubscrib)`),
    keyword: true,
  },
  // "досить", "дякую, досить", "перестаньте", "вимкніть", "enough": the whole message.
  { name: 'bare-enough', pattern: BARE_ENOUGH },
  // A message that ends in a plain "stop it": "приходять повідомлення для іншої людини, зупиніть".
  {
    name: 'ends-with-stop',
    pattern: new RegExp(
      `${W}(?:зупиніть|вимкніть|відключіть|припиніть|перестаньте|отключите|остановите|прекратите|выключите)` +
        '(?: (?:це|їх|все|усе|это|их|всё|будь ласка|пожалуйста|please))?$',
    ),
  },
  // "хочу тільки смс", "можна тільки по смс?", "надсилайте лише смс", "тільки смс будь ласка".
  {
    name: 'sms-only',
    pattern: new RegExp(
      `^(?:${WANT_WORDS} ){0,3}${SMS_ONLY}(?: (?:будь ласка|пожалуйста|please|дякую|спасибо))?$|` +
        `${W}(?:хочу|хочемо|хотів би|хотіла б|хотел бы|хотела бы|прошу|надсилайте|присилайте|присылайте|пишіть|пишите|шліть|давайте|краще|лучше) ${gap(2)}${SMS_ONLY}`,
    ),
  },
  // "only sms please", "I only want SMS", "sms only", "just texts".
  {
    name: 'en-sms-only',
    pattern: new RegExp(`${W}(?:only|just) (?:want |need )?(?:by |via |through |in )?(?:sms|texts?)(?= |$)|${W}(?:sms|texts?) only(?= |$)`),
  },
  // "не пишіть", "більше не надсилайте мені", "не турбуйте".
  { name: 'negated-send', pattern: new RegExp(`${W}не ${gap(2)}${SEND_IMPERATIVE}(?= |$)`) },
  // The infinitive as a request: "коди більше не надсилати", "не присылать рецепты". Only infinitives:
  // "мені не надсилають коди" (they don't send me codes) asks for the data.
  { name: 'negated-send-infinitive', pattern: new RegExp(`${W}н[еэ] (?:[^ ]+ )?${NEGATED_INFINITIVE}(?= |$)`) },
  // "не треба мені писати", "досить надсилати", "хватит присылать сообщения".
  { name: 'enough-sending', pattern: new RegExp(`${W}${ENOUGH} ${gap(3)}${SEND_INFINITIVE}`) },
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
  // "вийти з розсилки", "хочу выйти из рассылки".
  {
    name: 'leave-messages',
    pattern: new RegExp(`${W}(?:вийти|вийду|виходжу|вийдіть|выйти|выйду|выхожу) (?:з|із|зі|из|с) ${gap(1)}${MESSAGES}`),
  },
  // "не хочу бути підписаною", "не хочу быть подписанным".
  {
    name: 'do-not-want-to-be-subscribed',
    pattern: new RegExp(`${W}не (?:хочу|хочемо|бажаю|желаю) ${gap(1)}(?:бути|быть) (?:підписан|подписан)`),
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
  // "не треба кодів", "мені не потрібні ваші коди", "не хочу більше рецептів", "нетреба направлень".
  {
    name: 'not-needed-data',
    pattern: new RegExp(
      `${W}${NOT_A_QUESTION}${NOT_NEEDED} (?!ли )${NEEDED_GAP}${DATA}[^ ]*(?= |$)${NO_OTHER_INFINITIVE_AFTER}`,
    ),
  },
  // The same in the other order: "коди більше не треба", "рецепты мне не нужны", "ваші коди мене не цікавлять".
  {
    name: 'data-not-needed',
    pattern: new RegExp(
      `${W}${DATA}[^ ]* ${gap(3)}${NOT_A_QUESTION}${NOT_NEEDED}(?= |$)(?! ли)${NO_OTHER_INFINITIVE_AFTER}`,
    ),
  },
  // "не хочу щоб мені приходили коди", "не хочу, чтобы присылали рецепты".
  {
    name: 'do-not-want-them-sent',
    pattern: new RegExp(
      `${W}не (?:хочу|хочемо|хочеться|хочется) (?:щоб|шоб|чтобы|чтоб) ${gap(2)}` +
        '(?:надсила|присила|присыла|писа|приход|слали|відправля|отправля|кида)',
    ),
  },
  // "без кодів будь ласка", "без ваших рецептів".
  { name: 'without-data', pattern: new RegExp(`${W}без (?:[^ ]+ )?${WITHOUT_DATA}(?= |$)`) },
  // "достали ваши коды", "набридли ці рецепти", and "коди ваші вже набридли".
  // Not "я дістала рецепт" (I got it out): only when the data is what bothers the patient.
  {
    name: 'fed-up-with-data',
    pattern: new RegExp(`${W}(?<!(?:^| )(?:я|ми|мы|ти|ты) )${FED_UP} ${gap(3)}${DATA}`),
  },
  { name: 'data-fed-up', pattern: new RegExp(`${W}${DATA}[^ ]* ${gap(3)}${FED_UP}(?= |$)`) },
  // "досить кодів", "хватит с меня ваших рецептов".
  { name: 'enough-of-data', pattern: new RegExp(`${W}${ENOUGH_OF}${DATA}`) },
  // "нафіга мені ваші рецепти".
  { name: 'what-for-data', pattern: new RegExp(`${W}${WHAT_FOR_SLANG} ${gap(3)}${DATA}`) },
  // English: "don't send me codes", "dont text me", "do not message me anymore".
  {
    name: 'en-do-not-send',
    pattern: new RegExp(`${W}${EN_DONT} (?:(?:please|pls|ever|even) )?${EN_SEND}(?= |$)`),
  },
  // "i don't want these messages", "i dont need your codes", "no longer need prescriptions".
  {
    name: 'en-do-not-want',
    // "…the code to expire" is about the data, not about the messages.
    pattern: new RegExp(`${W}(?:${EN_DONT}|no longer) (?:want|need|wanna) ${gap(3)}${EN_OBJECT}(?= |$)(?! to )`),
  },
  // "no more messages", "no more prescriptions please".
  { name: 'en-no-more', pattern: new RegExp(`${W}no more ${gap(1)}${EN_OBJECT}(?= |$)`) },
  // "turn off notifications", "switch off messages", "turn them off", "disable notifications", "opt out".
  {
    name: 'en-turn-off',
    pattern: new RegExp(
      `${W}(?:(?:turn|switch|shut) off|(?:disable|deactivate|mute|cancel|block|pause|cease) ${gap(2)}` +
        `${EN_MESSAGES}(?= |$)|(?:turn|switch|shut) ${gap(2)}off(?= |$)|opt ?out|opt me out|quit ${EN_SEND}(?= |$))`,
    ),
  },
  // "remove me from the list", "take me off", "delete my number", "leave me alone".
  {
    name: 'en-remove-me',
    pattern: new RegExp(
      `${W}(?:(?:remove|delete|erase) (?:me|my number|my phone)(?= |$)|take me off|leave me alone|unregister)`,
    ),
  },
  // "tired of these messages", "sick of your codes", "fed up with notifications", "enough messages".
  {
    name: 'en-fed-up',
    pattern: new RegExp(`${W}(?:tired of|sick of|fed up with|enough|annoyed by|annoying) ${gap(2)}${EN_OBJECT}(?= |$)`),
  },
];

/**
 * "Unsubscribe" declined: "не відписуйте мене", "я не хочу відписуватись", "не треба мене відписувати". Only a
 * negated imperative or a negated want: "не можу відписатися" and "чому бот не відписує" still ask to stop.
 */
const DECLINED_UNSUBSCRIBE = new RegExp(
  `${W}(?:не|ні|нє) (?:(?:хочу|хочемо|хочеться|хочется|бажаю|желаю|треба|потрібно|нужно|надо|збираюсь|збираюся|собираюсь|` +
    `буду|будемо|планую)(?: мене| меня| нас)? (?:в[іиы]д|от|ат|од)пи[сш][^ ]*|(?:в[іиы]д|от|ат|од)пис(?:уйте|уй|ывайте|ывай)(?= |$))`,
  'g',
);

/** The text with declined unsubscribes ("не відписуйте мене") taken out, so that no rule reads them as requests. */
export function withoutDeclinedUnsubscribe(normalized: string): string {
  return normalized.replace(DECLINED_UNSUBSCRIBE, ' ');
}

/** The first rule that says this normalised text asks to stop messages, or undefined. */
export function matchUnsubscribeRule(normalized: string): UnsubscribeRule | undefined {
  const text = withoutDeclinedUnsubscribe(normalized);
  return UNSUBSCRIBE_RULES.find((rule) => rule.pattern.test(text));
}

/** Like {@link matchUnsubscribeRule}, for typo-corrected text: keyword rules only. */
export function matchUnsubscribeKeyword(corrected: string): UnsubscribeRule | undefined {
  const text = withoutDeclinedUnsubscribe(corrected);
  return UNSUBSCRIBE_RULES.find((rule) => rule.keyword === true && rule.pattern.test(text));
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
