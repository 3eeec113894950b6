/**
 * Words that say nothing about what a patient wants: pronouns, particles, politeness, question words.
 *
 * They are removed before the NLP.js model sees a message. The model's single-layer network otherwise learns
 * them as evidence for whichever intent used them most in training ("що ти можеш" is help, so "хто виграв
 * матч" and "що мені пити" became help too). Words that do carry intent stay: "ще" (still valid → expiry),
 * "до" (until → expiry), "як" (how → help), possessives ("мої", "мій": the patient's own data).
 * "не" goes too: a bag of words cannot tell what is negated, so it only learnt "не" = unsubscribe (from "не
 * пишіть"), and "лікар не відповідає" came out as unsubscribe. Negated requests are the unsubscribe rules' job.
 * Ukrainian and Russian forms are listed together, English ones after them; the text is already normalised.
 */
const FILLER_WORDS: ReadonlySet<string> = new Set([
  // Ukrainian pronouns
  'я', 'мені', 'мене', 'мною', 'ти', 'тобі', 'тебе', 'тобою', 'ви', 'вам', 'вас', 'вами', 'ми', 'нам', 'нас',
  'він', 'вона', 'воно', 'вони', 'його', 'її', 'їх', 'йому', 'їй', 'їм', 'нього', 'неї', 'них',
  'це', 'цей', 'ця', 'ці', 'цього', 'той', 'та', 'те', 'ті', 'того', 'там',
  // Russian pronouns
  'мне', 'меня', 'мной', 'ты', 'тебя', 'вы', 'он', 'она', 'оно', 'они', 'его', 'ее', 'их', 'это', 'этот', 'эта',
  'эти', 'тот', 'то',
  // question words: they occur in every intent and in most out-of-scope questions alike
  'що', 'шо', 'хто', 'який', 'яка', 'яке', 'які', 'якого', 'якої', 'яких', 'якій', 'чому', 'навіщо',
  'что', 'чо', 'кто', 'какой', 'какая', 'какое', 'какие', 'какого', 'почему', 'зачем',
  // conjunctions and particles
  'не', 'ні', 'і', 'й', 'а', 'але', 'бо', 'або', 'чи', 'ну', 'ось', 'же', 'ж', 'б', 'би', 'ли', 'вот', 'и', 'но', 'или',
  'так', 'таки', 'якщо', 'если', 'щоб', 'чтобы', 'ага', 'ой', 'ах', 'еге',
  // prepositions
  'в', 'у', 'на', 'з', 'із', 'зі', 'зо', 'за', 'по', 'про', 'при', 'для', 'о', 'об', 'к', 'с', 'со', 'из', 'от',
  'во',
  // wanting and needing: "хочу / треба / можна" come with every kind of request, in scope or not ("хочу
  // відписатися", "хочу піцу"), so a bag of words only learns noise from them
  'хочу', 'хочемо', 'хочеш', 'хоче', 'хотів', 'хотіла', 'хотілося', 'хочеться', 'хотел', 'хотела', 'хочется',
  'хотелось', 'бажаю', 'желаю', 'треба', 'потрібно', 'нужно', 'надо', 'нада', 'можна', 'можно',
  // politeness, filler verbs of asking, thanks and acknowledgements (a message of only these is small talk)
  'будь', 'ласка', 'будьласка', 'пожалуйста', 'пожалуста', 'плиз', 'пліз', 'please', 'pls', 'пжлст', 'пж',
  'підкажіть', 'підкажи', 'скажіть', 'скажи', 'подскажите', 'подскажи', 'скажите', 'дякую', 'спасибі', 'спасибо',
  'добре', 'хорошо', 'окей', 'ок', 'ok',
  // English (Viber language "en"): pronouns, articles, auxiliaries, prepositions, politeness. "my" stays (the
  // patient's own data, like "мої"), and so do "how", "when", "can" and "do", which carry help and expiry.
  'i', 'im', "i'm", 'me', 'you', 'u', 'we', 'us', 'it', 'its', "it's", 'they', 'them', 'he', 'she', 'your', 'ur',
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'there', 'is', 'are', 'am', 'was', 'were', 'be', 'been',
  'to', 'of', 'for', 'in', 'on', 'at', 'by', 'with', 'from', 'and', 'or', 'but', 'so', 'just', 'what', 'whats',
  "what's", 'which', 'who', 'plz', 'thanks', 'thank', 'thx', 'ty', 'okay', 'k', 'want', 'need', 'would', 'like',
]);

/** Drops filler words; keeps everything else in order. */
export function removeFillerWords(tokens: readonly string[]): string[] {
  return tokens.filter((token) => !FILLER_WORDS.has(token));
}
