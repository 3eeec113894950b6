/**
 * The statistical part of the classifier: an NLP.js neural intent model with the Ukrainian stemmer.
 *
 * Russian and surzhyk phrases are trained as if they were Ukrainian: NLP.js picks its stemmer by locale, and the
 * Ukrainian one strips Russian endings well enough ("рецепты" → "рецепт", "направления" → "направлен"), so one
 * model covers all three ways patients write without guessing the language first.
 */
import { Nlp } from '@nlpjs/nlp';
import { LangUk } from '@nlpjs/lang-uk';

const LOCALE = 'uk';

/** NLP.js's own name for "no intent matched". */
export const NLPJS_NONE = 'None';

export interface ModelGuess {
  /** An intent name from the training data, or {@link NLPJS_NONE}. */
  readonly intent: string;
  readonly score: number;
}

export interface TrainingExample {
  readonly text: string;
  readonly intent: string;
}

/** The parts of NLP.js's Ukrainian stemmer and normaliser we call directly. */
interface Stemmer {
  stemWord(word: string): string;
  /** NLP.js memoises every word it ever stemmed here, without a limit. */
  cache?: Record<string, string>;
}
interface Normalizer {
  normalize(text: string): string;
}

/** Forget the stemmer's memo after this many words, so a long-running server does not grow without bound. */
const STEM_CACHE_LIMIT = 20_000;

export class NlpjsIntentModel {
  private readonly stemmer: Stemmer;
  private readonly normalizer: Normalizer;
  private stemmedSinceReset = 0;

  private constructor(private readonly nlp: Nlp) {
    this.stemmer = nlp.container.get(`stemmer-${LOCALE}`) as Stemmer;
    this.normalizer = nlp.container.get(`normalizer-${LOCALE}`) as Normalizer;
  }

  /** Trains a model in memory (no model file is read or written, nothing is logged). */
  static async train(examples: readonly TrainingExample[]): Promise<NlpjsIntentModel> {
    const nlp = new Nlp({
      languages: [LOCALE],
      autoLoad: false,
      autoSave: false,
      // Without this NLP.js prints every training epoch to stdout.
      nlu: { log: false },
      // We only need the intent; sentiment analysis and entity extraction would cost time on every message.
      calculateSentiment: false,
      forceNER: false,
    });
    nlp.use(LangUk);
    for (const example of examples) nlp.addDocument(LOCALE, example.text, example.intent);
    await nlp.train();
    return new NlpjsIntentModel(nlp);
  }

  /** The best intent for already-normalised text. */
  async guess(normalized: string): Promise<ModelGuess> {
    this.limitStemCache(normalized.split(' ').length);
    // The NLU manager directly: Nlp.process() would also run entity extraction, answers and context handling
    // that we do not use, which tripled the slowest classifications.
    const result = await this.nlp.nluManager.process(LOCALE, normalized);
    return { intent: result.intent || NLPJS_NONE, score: result.score ?? 0 };
  }

  /** The stem the model itself uses for a word ("рецептів" → "рецепт"), so other layers can reason in its terms. */
  stem(word: string): string {
    this.limitStemCache(1);
    return this.stemmer.stemWord(this.normalizer.normalize(word));
  }

  private limitStemCache(words: number): void {
    this.stemmedSinceReset += words;
    if (this.stemmedSinceReset > STEM_CACHE_LIMIT && this.stemmer.cache) {
      this.stemmer.cache = {};
      this.stemmedSinceReset = 0;
    }
  }
}
