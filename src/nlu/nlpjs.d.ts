/**
 * Minimal types for the parts of NLP.js 4 that Vistka uses. NLP.js ships no TypeScript declarations; only what
 * nlpjs-model.ts calls is described here, so a wrong call still fails to compile.
 */
declare module '@nlpjs/nlp' {
  export interface NlpClassification {
    intent: string;
    score: number;
  }

  export interface NlpProcessResult {
    /** 'None' when nothing matched. */
    intent: string;
    score: number;
    classifications: NlpClassification[];
  }

  export interface NlpSettings {
    languages?: string[];
    /** Load a saved model from disk before training (we never want that). */
    autoLoad?: boolean;
    /** Write model.nlp to disk after training (we never want that). */
    autoSave?: boolean;
    /** Passed to the NLU manager; `{ log: false }` stops it printing every training epoch. */
    nlu?: Record<string, unknown>;
    calculateSentiment?: boolean;
    forceNER?: boolean;
    threshold?: number;
  }

  /** NLP.js's dependency-injection container; plugins (stemmer, normaliser…) are looked up by name. */
  export interface NlpContainer {
    get(name: string): unknown;
  }

  /** The intent-classification part of Nlp, without entities, answers or sentiment. */
  export interface NluManager {
    process(locale: string, utterance: string): Promise<NlpProcessResult>;
  }

  export class Nlp {
    constructor(settings?: NlpSettings);
    readonly container: NlpContainer;
    readonly nluManager: NluManager;
    use(plugin: unknown): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<NlpProcessResult>;
  }
}

declare module '@nlpjs/lang-uk' {
  /** The Ukrainian plugin: normaliser, tokenizer, stemmer, stopwords, sentiment. */
  export const LangUk: unknown;
}
