/**
 * Recognises messages that are only a greeting or a bot command ("привіт", "добрий вечір", "/start", "меню",
 * "хелп"). They form a closed list, so a word list is more reliable than a model trained on a handful of
 * examples: "добрий день" shares its stem with "добре" (an acknowledgement, out of scope), and "start" or "хелп"
 * are single words with nothing around them for a model to go on.
 *
 * A message counts only if every word is a greeting/command word or a harmless companion ("вам", "всім", "бот")
 * and at least one is a real greeting or command, so "добрий день підкажіть код" still goes to the model.
 */

/** Greetings, in the spellings people type. */
const GREETINGS: ReadonlySet<string> = new Set([
  // Ukrainian
  'привіт', 'привітик', 'привітики', 'привітулі', 'привітулька', 'привітульки', 'прив', 'вітаю', 'вітання', 'вітаннячко',
  'вітаємо', 'здрастуйте', 'здрастє', 'здрасті', 'слава',
  'здоров', 'здорові', 'здоровенькі', 'добрий', 'доброго', 'доброї', 'добридень', 'добривечір',
  // Russian and surzhyk
  'привет', 'приветик', 'приветики', 'приветствую', 'здравствуйте', 'здравствуй', 'здрасте', 'здрасьте', 'добрый', 'доброе',
  'доброй',
  // borrowed
  'hi', 'hello', 'hey', 'hallo', 'хай', 'хелоу', 'хеллоу', 'хелло', 'салют', 'алло', 'ало',
  'hiya', 'howdy', 'greetings', 'helo', 'heya',
]);

/** Words that on their own ask for the start screen, the menu or help. */
const COMMANDS: ReadonlySet<string> = new Set([
  'start', 'старт', 'почати', 'розпочати', 'почнемо', 'начать', 'начнем', 'menu', 'меню', 'help', 'хелп', 'допомога', 'допоможіть',
  'допоможи', 'помощь', 'помогите', 'помоги', 'довідка', 'справка', 'інструкція', 'инструкция', 'команди',
  'команды', 'info', 'інфо',
]);

/** Parts of a greeting that follow a greeting word: "добрий ДЕНЬ", "доброго ВЕЧОРА". */
const TIMES_OF_DAY: ReadonlySet<string> = new Set([
  'день', 'дня', 'ранок', 'ранку', 'вечір', 'вечора', 'вечер', 'утро', 'ночі', 'ночь',
  // diminutives: "доброго вечорочка", "доброго ранечку", "доброго денька"
  'вечорочка', 'вечорочок', 'ранечку', 'ранечок', 'денька', 'денёчка', 'днинки', 'утречко', 'утра', 'вечера',
  'morning', 'afternoon', 'evening', 'day',
]);

const isGreetingOrCommandWord = (token: string): boolean => GREETINGS.has(token) || COMMANDS.has(token);

/** "good morning", "good evening": "good" alone is an acknowledgement, so it is a greeting only in these pairs. */
const ENGLISH_TIMED_GREETING = 'good';
const isTimedGreeting = (tokens: readonly string[], i: number): boolean =>
  tokens[i] === ENGLISH_TIMED_GREETING && TIMES_OF_DAY.has(tokens[i + 1] ?? '');

/** Words that may accompany a greeting without changing it. */
const COMPANION_WORDS: ReadonlySet<string> = new Set([
  ...TIMES_OF_DAY,
  'вам', 'вас', 'всім', 'всем', 'бот', 'боте', 'ботик', 'шановний', 'шановні', 'шановна', 'уважаемые', 'уважаемый', 'уважаемая',
  'друже', 'будь', 'ласка', 'пожалуйста', 'мені', 'мне', 'please',
  'pls', 'плиз', 'пліз', 'пжлст',
  // English: "help me", "hi there", "hello everyone", "hey bot"
  'me', 'there', 'all', 'everyone', 'bot',
  'а', 'і', 'ну',
  // "здоровенькі були", "здорові будьте", "здоров був"
  'були', 'будьте', 'був', 'була',
  // "слава україні", the greeting many use; "героям слава" answers it
  'україні', 'украине', 'героям', 'ісусу', 'христу',
]);

/** "чим можете допомогти?", "чим ви мені допоможете", "чем можешь помочь": asking what the bot can do. */
const WHAT_CAN_YOU_DO = /(?:^| )ч[иеі]м (?:[^ ]+ ){0,3}(?:допомогти|допоможете|допоможеш|помочь|поможете|поможешь)(?= |$)/;

/**
 * How to use the bot: "що мені сюди писати", "як тут користуватися", "что здесь можно узнать", "де кнопки",
 * "кнопки зникли". The menu and its buttons are the answer.
 */
const HOW_TO_USE = new RegExp(
  '(?:^| )(?:(?:що|шо|что|чо|які|яку|какие|какую) (?:[^ ]+ ){0,2}(?:писати|написати|писать|написать|вводити|ввести)(?= |$)|' +
    '(?:як|как) (?:[^ ]+ ){0,2}(?:користуватися|користуватись|пользоваться)(?= |$)|' +
    '(?:як|как) (?:це|оце|він|воно|бот|цей бот|ваш бот|это|он|этот бот) (?:працює|работает)(?= |$)|' +
    '(?:як|как) (?:тут )?(?:працює|работает) (?:цей |ваш |этот |ваш )?(?:бот|чат|сервіс|сервис)(?= |$)|' +
    '(?:що|шо|что|чо) (?:це|то|это) (?:за )?(?:чат|бот|сервіс|сервис)(?= |$)|' +
    '(?:що|шо|что|чо) (?:ти|ви|ты|вы) (?:вмієш|вмієте|умеешь|умеете|можеш|можете)(?= |$)|' +
    '(?:новий|нова|новенький|новенька|новый|новая) (?:користувач|користувачка|пользователь)|вперше тут|впервые здесь|' +
    '(?:як|как) (?:працювати|работать) (?:з|с) (?:[^ ]+ )?(?:ботом|чатом)(?= |$)|' +
    "(?:що|шо|что) (?:тут|здесь|сюди|сюда|в боті|в боте) (?:[^ ]+ ){0,2}(?:можна|можно) (?:[^ ]+ ){0,1}(?:дізнатися|дізнатись|узнать|зробити|сделать|подивитися|посмотреть)(?= |$)|" +
    'кнопк[^ ]*|кнопок)',
);

/** True when the message asks what the bot can help with or how to use it. */
export function asksWhatBotCanDo(normalized: string): boolean {
  return WHAT_CAN_YOU_DO.test(normalized) || HOW_TO_USE.test(normalized);
}

/** True when the message is nothing but a greeting or a menu/help command. */
export function isGreetingOrCommand(tokens: readonly string[]): boolean {
  if (tokens.length === 0) return false;
  const greeting = (t: string, i: number): boolean => isGreetingOrCommandWord(t) || isTimedGreeting(tokens, i);
  const allAllowed = tokens.every((t, i) => greeting(t, i) || COMPANION_WORDS.has(t));
  return allAllowed && tokens.some(greeting);
}

/**
 * The message without its greeting ("доброго вечора хочу дізнатися про свої рецепти" → "хочу дізнатися про свої
 * рецепти"). Greetings carry no request, but a model trained on "доброго дня" as help pulls such messages
 * towards help.
 */
export function withoutGreeting(tokens: readonly string[]): string[] {
  return tokens.filter(
    (token, i) =>
      !GREETINGS.has(token) &&
      !isTimedGreeting(tokens, i) &&
      !(TIMES_OF_DAY.has(token) && (GREETINGS.has(tokens[i - 1] ?? '') || isTimedGreeting(tokens, i - 1))),
  );
}

/** The greeting and command words, so the typo corrector can repair "привт" and "здраствуйте" too. */
export function greetingVocabulary(): Iterable<string> {
  return [...GREETINGS, ...COMMANDS];
}
