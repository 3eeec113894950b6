/**
 * Evaluates the intent classifier on src/nlu/data/test.tsv (run as `npm run eval:nlu`).
 *
 * Prints accuracy per intent and overall, the same for each `# @section` of the file (the shared dev set is
 * section "dev"), every misclassified line, how many unsubscribe requests got a data answer, and the time taken
 * per question.
 * Exits with 1 when overall accuracy is below 97 % or any unsubscribe request got a data answer, so CI can gate
 * on it.
 */
import { performance } from 'node:perf_hooks';
import { createIntentClassifier, type ExplainedClassification } from '../src/nlu/classifier';
import { loadLabelledFile, type LabelledUtterance } from '../src/nlu/dataset';
import { INTENTS, isDataIntent } from '../src/nlu/intents';

const MIN_ACCURACY = 0.97;

interface Outcome {
  readonly example: LabelledUtterance;
  readonly result: ExplainedClassification;
}

const percent = (part: number, whole: number): string =>
  whole === 0 ? '   n/a' : `${((100 * part) / whole).toFixed(1).padStart(5)} %`;

function printAccuracy(title: string, outcomes: readonly Outcome[]): number {
  console.log(`\n${title}`);
  for (const intent of INTENTS) {
    const ofIntent = outcomes.filter((o) => o.example.intent === intent);
    const right = ofIntent.filter((o) => o.result.intent === intent).length;
    console.log(`  ${intent.padEnd(14)} ${percent(right, ofIntent.length)}  (${right}/${ofIntent.length})`);
  }
  const right = outcomes.filter((o) => o.result.intent === o.example.intent).length;
  console.log(`  ${'overall'.padEnd(14)} ${percent(right, outcomes.length)}  (${right}/${outcomes.length})`);
  return outcomes.length === 0 ? 1 : right / outcomes.length;
}

/** "p50 … ms, p99 … ms, max … ms" of the given durations. */
function timing(durationsMs: readonly number[]): string {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const at = (share: number): string => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))].toFixed(2);
  return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`;
}

async function main(): Promise<void> {
  const startedTraining = performance.now();
  const classifier = await createIntentClassifier();
  const trainingMs = performance.now() - startedTraining;
  const examples = loadLabelledFile('test.tsv');
  // Warm the JIT on the training phrases, as a running server would be, so the timings below measure steady
  // state; each test question is still seen for the first time (no cached result).
  for (const { text } of loadLabelledFile('train.tsv')) await classifier.classify(text);

  const outcomes: Outcome[] = [];
  const timesMs: number[] = [];
  for (const example of examples) {
    const started = performance.now();
    const result = await classifier.explain(example.text);
    timesMs.push(performance.now() - started);
    outcomes.push({ example, result });
  }

  console.log(`Intent classifier on src/nlu/data/test.tsv: ${examples.length} questions, trained in ${trainingMs.toFixed(0)} ms`);
  console.log(`Time per question (warm process, each question seen once): ${timing(timesMs)}`);
  const overall = printAccuracy('All questions', outcomes);
  const sections = [...new Set(examples.map((e) => e.section))];
  for (const section of sections) {
    printAccuracy(`Section "${section || '(none)'}"`, outcomes.filter((o) => o.example.section === section));
  }

  const wrong = outcomes.filter((o) => o.result.intent !== o.example.intent);
  console.log(`\nMisclassified (${wrong.length}):`);
  for (const { example, result } of wrong) {
    console.log(
      `  test.tsv:${example.line}  ${JSON.stringify(example.text)}  expected ${example.intent}, ` +
        `got ${result.intent} (${result.source}, ${result.score.toFixed(2)})  seen as ${JSON.stringify(result.prepared)}`,
    );
  }

  const unsubscribeAsData = outcomes.filter((o) => o.example.intent === 'unsubscribe' && isDataIntent(o.result.intent));
  console.log(`\nUnsubscribe questions answered with a data intent: ${unsubscribeAsData.length}`);

  const failures: string[] = [];
  if (overall < MIN_ACCURACY) failures.push(`overall accuracy below ${MIN_ACCURACY * 100} %`);
  if (unsubscribeAsData.length > 0) failures.push('an unsubscribe question got a data intent');
  if (failures.length > 0) {
    console.log(`\nFAIL: ${failures.join('; ')}`);
    process.exitCode = 1;
  } else {
    console.log('\nOK');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
