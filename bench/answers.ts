/**
 * Time to answer a patient's question (issue 4): classify + database + reply built, measured per question
 * on the labelled test questions, against the bare database lookup in the same run.
 * Run alone with `npx tsx bench/answers.ts`, or as part of `npm run bench`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { answerText, recentEvents } from '../src/bot/answers';
import { withMenu } from '../src/bot/replies';
import { openDatabase } from '../src/db/database';
import { EhealthEvent } from '../src/entities/EhealthEvent';
import { translator } from '../src/i18n';
import { createIntentClassifier } from '../src/nlu/classifier';
import { loadLabelledFile } from '../src/nlu/dataset';

export interface AnswerFigures {
  questions: number;
  answerP50Ms: number;
  answerP99Ms: number;
  lookupP50Ms: number;
  lookupP99Ms: number;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Seeds a database with other patients' events and 40 of the asker's, then times answers. */
export async function benchAnswers(rounds = 5): Promise<AnswerFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'vistka-bench-answers-'));
  const db = await openDatabase({ kind: 'sqlite', path: join(dir, 'bench.sqlite') });
  try {
    const now = Date.now();
    const rows: Partial<EhealthEvent>[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const mine = i % 500 === 0;
      rows.push({
        id: `bench-${i}`,
        type: i % 3 === 0 ? 'service_request' : 'medication_request',
        phone: mine ? '+380670000001' : `+38067${String(1_000_000 + i).padStart(7, '0')}`,
        thirdPerson: i % 7 === 0,
        patientId: `p-${i % 3}`,
        patientName: 'Іваненко О.',
        number: i % 3 === 0 ? '1234-5678-9012-3456' : `0000-K8K5-5MTE-${String(i % 10_000).padStart(4, '0')}`,
        code: String(1000 + (i % 9000)),
        expiresAt: now + ((i % 40) - 10) * 86_400_000,
        details: JSON.stringify({ medication: 'Амоксицилін', dosage: '500 мг', service: 'Аналіз крові' }),
        fingerprint: 'bench',
        status: 'sent',
        channel: 'sms',
        reason: null,
        round: 0,
        createdAt: now - (i % 80) * 86_400_000,
        updatedAt: now,
      });
    }
    await db.tx(async (manager) => {
      for (let i = 0; i < rows.length; i += 500) {
        await manager.createQueryBuilder().insert().into(EhealthEvent).values(rows.slice(i, i + 500)).updateEntity(false).execute();
      }
    });
    const classifier = await createIntentClassifier();
    const questions = loadLabelledFile('test.tsv').map((example) => example.text);
    const t = translator('uk');
    const answer: number[] = [];
    const lookup: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      for (const question of questions) {
        const started = performance.now();
        const { intent } = await classifier.classify(question);
        const events = intent === 'help' || intent === 'unknown' || intent === 'unsubscribe' ? [] : await recentEvents(db.manager, '+380670000001', now);
        withMenu(answerText(intent, events, now, t, 'uk'), t);
        answer.push(performance.now() - started);

        const bare = performance.now();
        await recentEvents(db.manager, '+380670000001', now);
        lookup.push(performance.now() - bare);
      }
    }
    return {
      questions: answer.length,
      answerP50Ms: percentile(answer, 50),
      answerP99Ms: percentile(answer, 99),
      lookupP50Ms: percentile(lookup, 50),
      lookupP99Ms: percentile(lookup, 99),
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the figures as a block of the bench report. */
export function printAnswerFigures(figures: AnswerFigures): void {
  const f = (ms: number) => `${ms.toFixed(2)} ms`;
  console.log('\n## Answering a patient question (classify + database + reply built)');
  console.log(`questions timed: ${figures.questions}`);
  console.log(`answer   p50 ${f(figures.answerP50Ms)}   p99 ${f(figures.answerP99Ms)}   (target p99 <= 5 ms)`);
  console.log(`baseline p50 ${f(figures.lookupP50Ms)}   p99 ${f(figures.lookupP99Ms)}   (the database lookup alone)`);
  console.log(`ratio    p99 answer / p99 lookup = ${(figures.answerP99Ms / figures.lookupP99Ms).toFixed(1)}x`);
}

if (require.main === module) {
  benchAnswers()
    .then(printAnswerFigures)
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
