/**
 * Intent classifier for patients' Viber questions (issue 4): decides *what* a message asks for; answering it is
 * someone else's job.
 *
 * The rest of the server depends only on {@link IntentClassifier}, so the layers below can be swapped for another
 * model without touching callers. The layers, in order:
 * 1. normalisation (case, apostrophes, Latin look-alikes, punctuation, drawn-out letters), Ukrainian typed in Latin
 *    letters read as Cyrillic (translit.ts), abbreviations written out, and timid typo correction;
 * 2. deterministic unsubscribe rules, so "stop writing to me" always wins;
 * 3. a closed list of greetings and bot commands ("привіт", "/start", "меню"), and "чим можете допомогти?" → help;
 * 4. definition and price questions ("що таке рецепт", "скільки коштує аналіз") → unknown;
 * 5. a message that is only a document noun ("мої рецепти", "код") asks for that data;
 * 6. the NLP.js model on the words that carry meaning (greetings and filler removed, English plurals folded, see
 *    english.ts), trusted above a threshold and, for an in-scope answer, only when some word is typical of such
 *    requests (see in-scope-evidence.ts);
 * 7. a whole-phrase fuzzy match against the training phrases, for garbled spelling the model cannot read;
 * 8. otherwise `unknown` (the bot then shows its help menu).
 * A final veto turns any data answer into `unsubscribe` when the message contains a misspelt "відписатися".
 */
import { expandAbbreviations } from './abbreviations';
import { loadLabelledFile, type LabelledUtterance } from './dataset';
import { foldEnglishWords } from './english';
import { removeFillerWords } from './filler-words';
import { InScopeEvidence } from './in-scope-evidence';
import { FuzzyPhraseMatcher } from './fuzzy-matcher';
import { asksWhatBotCanDo, greetingVocabulary, isGreetingOrCommand, withoutGreeting } from './greeting-rules';
import { INTENTS, isDataIntent, type Intent } from './intents';
import { NlpjsIntentModel, NLPJS_NONE } from './nlpjs-model';
import { isLatinWord, normalizeText, tokenize } from './normalize';
import { FAMILY_WORDS } from './family-words';
import { matchOutOfScopeRule } from './out-of-scope-rules';
import { transliterateTokens } from './translit';
import { editDistance, TypoCorrector } from './typo-corrector';
import { looksLikeUnsubscribeWord, matchUnsubscribeKeyword, matchUnsubscribeRule, withoutDeclinedUnsubscribe } from './unsubscribe-rules';

export type { Intent } from './intents';

export interface IntentClassification {
  readonly intent: Intent;
  /** Confidence in 0…1; rules answer with 1. Not comparable across layers beyond "higher is surer". */
  readonly score: number;
}

/** What the server needs from any intent classifier. */
export interface IntentClassifier {
  classify(text: string): Promise<IntentClassification>;
}

/** Which layer produced an answer, for the evaluation script and debugging. */
export type DecisionSource =
  | 'empty'
  | 'unsubscribe-rule'
  | 'greeting-rule'
  | 'out-of-scope-rule'
  | 'document-word'
  | 'model'
  | 'fuzzy'
  | 'fallback'
  | 'veto';

export interface ExplainedClassification extends IntentClassification {
  readonly source: DecisionSource;
  /** The text after normalisation and typo correction, as the model saw it. */
  readonly prepared: string;
}

export interface IntentClassifierOptions {
  /** Training examples; defaults to src/nlu/data/train.tsv. */
  readonly training?: readonly Pick<LabelledUtterance, 'text' | 'intent'>[];
  /** Minimum NLP.js score to accept its intent. */
  readonly modelThreshold?: number;
  /** Largest share of edited letters (0 = identical) to accept a fuzzy match with a training phrase. */
  readonly fuzzyMaxDistance?: number;
}

const DEFAULT_MODEL_THRESHOLD = 0.6;
const DEFAULT_FUZZY_MAX_DISTANCE = 0.25;
/**
 * Only this many words of a message go past the unsubscribe rules. Questions are a few words long; a pasted
 * page would only cost time (tens of milliseconds), and its meaning would be lost in a bag of words anyway.
 * The unsubscribe rules still read the whole message, so "…відпишіть мене" at the end of a rant counts.
 */
const MAX_WORDS = 60;

/** The words the model and the evidence check look at: no greeting, no filler, English plurals folded. */
function meaningfulWords(tokens: readonly string[]): string[] {
  return foldEnglishWords(removeFillerWords(withoutGreeting(tokens)));
}

/** Nouns that name one kind of the patient's data, by the start of the word. */
const DOCUMENT_WORDS: ReadonlyArray<readonly [RegExp, Intent]> = [
  [/^(?:рецепт|рецептик|prescription)/, 'prescriptions'],
  [/^(?:направлен|скерув|referral)/, 'referrals'],
  [/^(?:код|коду|коди|code)$/, 'last_code'],
];
/** Words that may stand beside such a noun without asking anything else ("мої е-рецепти", "my code"). */
const DOCUMENT_COMPANIONS: ReadonlySet<string> = new Set([
  'мій', 'моя', 'моє', 'мої', 'моїх', 'мой', 'мои', 'моих', 'свій', 'свої', 'my', 'е', 'e', 'електронний', 'електронна',
  'електронне', 'електронні', 'электронный', 'электронные', 'останній', 'останні', 'последний', 'последние', 'latest',
  'last', 'всі', 'все', 'all', 'є', 'есть',
]);

/**
 * A message that is only a document noun and its companions ("рецепт", "мій е рецепт", "мої направлення",
 * "код"): the data it names, whatever the model makes of so few words. Null for anything longer.
 */
function bareDocumentRequest(content: readonly string[]): Intent | null {
  let found: Intent | null = null;
  for (const word of content) {
    if (DOCUMENT_COMPANIONS.has(word)) continue;
    const match = DOCUMENT_WORDS.find(([pattern]) => pattern.test(word));
    if (!match || (found !== null && found !== match[1])) return null;
    found = match[1];
  }
  return found;
}

/** English words that mark a message as English even when the training phrases lack them. */
const ENGLISH_FUNCTION_WORDS = [
  'the', 'a', 'an', 'to', 'for', 'of', 'in', 'on', 'at', 'and', 'or', 'not', 'no', 'yes', 'ok', 'okay', 'my', 'me',
  'i', 'you', 'your', 'is', 'are', 'was', 'be', 'do', 'does', 'did', 'can', 'what', 'when', 'where', 'how', 'why',
  'which', 'who', 'please', 'pls', 'thanks', 'thank', 'stop', 'unsubscribe', 'opt', 'out', 'off', 'turn', 'quit',
  'sms', 'viber', 'bot', 'send', 'get', 'have', 'has', 'it', 'this', 'that', 'with',
];

function toIntent(name: string): Intent {
  return (INTENTS as readonly string[]).includes(name) ? (name as Intent) : 'unknown';
}

/** The layered classifier described at the top of this file. Build it with {@link createIntentClassifier}. */
export class LayeredIntentClassifier implements IntentClassifier {
  constructor(
    private readonly model: NlpjsIntentModel,
    private readonly fuzzy: FuzzyPhraseMatcher,
    private readonly corrector: TypoCorrector,
    private readonly evidence: InScopeEvidence,
    private readonly modelThreshold: number,
    /** Latin words the classifier knows as English: a message with one of them is not read as transliteration. */
    private readonly knownLatin: ReadonlySet<string> = new Set(),
  ) {}

  async classify(text: string): Promise<IntentClassification> {
    const { intent, score } = await this.explain(text);
    return { intent, score };
  }

  /** Like {@link classify}, but also says which layer decided and what text it looked at. */
  async explain(text: string): Promise<ExplainedClassification> {
    const normalized = transliterateTokens(tokenize(normalizeText(text)), this.knownLatin, (word) => this.corrector.recognises(word)).join(' ');
    if (normalized.length === 0) return { intent: 'unknown', score: 1, source: 'empty', prepared: '' };
    if (matchUnsubscribeRule(normalized)) {
      return { intent: 'unsubscribe', score: 1, source: 'unsubscribe-rule', prepared: normalized };
    }
    const tokens = expandAbbreviations(tokenize(normalized).slice(0, MAX_WORDS));
    const corrected = this.corrector.correctTokens(tokens);
    const prepared = corrected.join(' ');
    // A misspelt "відписатися" that typo correction repaired.
    if (matchUnsubscribeKeyword(prepared)) {
      return { intent: 'unsubscribe', score: 1, source: 'unsubscribe-rule', prepared };
    }
    // The rules read the words as typed too: typo correction may turn a real word into another form
    // ("вмієш" → "вміє", "аптеках" → "аптекар") that a rule's grammar no longer recognises.
    if (isGreetingOrCommand(corrected) || asksWhatBotCanDo(prepared) || asksWhatBotCanDo(normalized)) {
      return { intent: 'help', score: 1, source: 'greeting-rule', prepared };
    }
    if (matchOutOfScopeRule(prepared) || matchOutOfScopeRule(normalized)) return { intent: 'unknown', score: 1, source: 'out-of-scope-rule', prepared };

    const content = meaningfulWords(corrected);
    // Only thanks, "ok", pronouns…: nothing is being asked.
    if (content.length === 0) return { intent: 'unknown', score: 1, source: 'empty', prepared };

    const named = bareDocumentRequest(content);
    if (named) return { intent: named, score: 1, source: 'document-word', prepared };
    const guessed = await this.decideStatistically(content, prepared);
    // Stop requests are the rules' job: on every evaluation set they caught all of them, and the
    // statistical layers only ever said "unsubscribe" wrongly ("які команди сюди писати"). The menu,
    // which has the stop button, is the safe answer to what they are unsure of.
    const decided = guessed.intent === 'unsubscribe' ? { intent: 'unknown' as const, score: 1 - guessed.score, source: 'fallback' as const } : guessed;
    const undeclined = tokenize(withoutDeclinedUnsubscribe(normalized));
    if (isDataIntent(decided.intent) && undeclined.some((token) => looksLikeUnsubscribeWord(token, editDistance))) {
      return { intent: 'unsubscribe', score: decided.score, source: 'veto', prepared };
    }
    return { ...decided, prepared };
  }

  private async decideStatistically(
    content: readonly string[],
    prepared: string,
  ): Promise<Omit<ExplainedClassification, 'prepared'>> {
    const guess = await this.model.guess(content.join(' '));
    const intent = guess.intent === NLPJS_NONE ? 'unknown' : toIntent(guess.intent);
    if (intent === 'unknown' && guess.intent !== NLPJS_NONE && guess.score >= this.modelThreshold) {
      return { intent, score: guess.score, source: 'model' };
    }
    if (intent !== 'unknown' && guess.score >= this.modelThreshold && this.evidence.supports(content, intent)) {
      return { intent, score: guess.score, source: 'model' };
    }
    const match = this.fuzzy.match(prepared);
    if (match) return { intent: toIntent(match.intent), score: 1 - match.distance, source: 'fuzzy' };
    // How sure we are that it is out of scope: low when the model leaned (unconvincingly) towards an intent.
    return { intent: 'unknown', score: intent === 'unknown' ? guess.score : 1 - guess.score, source: 'fallback' };
  }
}

/**
 * Trains the classifier (well under a second) and returns it. Call once at start-up and share the instance:
 * classification afterwards is pure in-memory work.
 */
export async function createIntentClassifier(options: IntentClassifierOptions = {}): Promise<LayeredIntentClassifier> {
  const training = options.training ?? loadLabelledFile('train.tsv');
  // Training text goes through the same steps as questions, so both sides spell words the same way.
  const phrases = training.map((example) => ({ text: normalizeText(example.text), intent: example.intent }));
  const inScopeWords = phrases.filter((p) => p.intent !== 'unknown').flatMap((p) => tokenize(p.text));
  const outOfScopeWords = phrases.filter((p) => p.intent === 'unknown').flatMap((p) => tokenize(p.text));
  const corrector = new TypoCorrector([...inScopeWords, ...greetingVocabulary()], [...outOfScopeWords, ...FAMILY_WORDS]);
  const contentExamples = phrases.map((p) => ({ tokens: meaningfulWords(tokenize(p.text)), intent: p.intent }));
  const modelExamples = contentExamples
    .filter((example) => example.tokens.length > 0)
    .map((example) => ({ text: example.tokens.join(' '), intent: example.intent }));
  const model = await NlpjsIntentModel.train(modelExamples);
  const evidence = new InScopeEvidence(contentExamples, (word) => model.stem(word));
  const fuzzy = new FuzzyPhraseMatcher(phrases, options.fuzzyMaxDistance ?? DEFAULT_FUZZY_MAX_DISTANCE);
  const threshold = options.modelThreshold ?? DEFAULT_MODEL_THRESHOLD;
  const knownLatin = new Set([...phrases.flatMap((p) => tokenize(p.text)), ...greetingVocabulary(), ...ENGLISH_FUNCTION_WORDS].filter(isLatinWord));
  return new LayeredIntentClassifier(model, fuzzy, corrector, evidence, threshold, knownLatin);
}
