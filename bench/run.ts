/**
 * `npm run bench`: every figure next to a baseline measured in the same run, since these machines
 * are shared and noisy (compare ratios, not absolutes).
 *
 *   npm run bench                 all sections, full length
 *   npm run bench -- --quick      shorter runs (a few minutes in all)
 *   npm run bench -- --only=a,c   some sections: a ingest SQLite, b ingest PostgreSQL, c end to end,
 *                                 d outbox at 1 M events, answers (the bot's answers)
 *   npm run bench -- --generator=autocannon   load pushes with autocannon even where wrk is installed
 */
import { cpus } from 'node:os';
import { benchAnswers, printAnswerFigures } from './answers';
import { benchEndToEnd, printEndToEnd } from './end-to-end';
import { type LoadGenerator, chooseGenerator } from './lib/ingest';
import { benchIngestSqlite, printIngestSqlite } from './ingest-sqlite';
import { benchOutbox, printOutbox } from './outbox';
import { benchIngestPostgres, printIngestPostgres } from './ingest-postgres';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
  const wanted = (section: string) => !only || only.includes(section);
  const generator = args.find((arg) => arg.startsWith('--generator='))?.slice('--generator='.length);
  if (generator !== undefined && generator !== 'wrk' && generator !== 'autocannon') throw new Error('--generator= takes wrk or autocannon');

  console.log(`# Vistka bench${quick ? ' (--quick)' : ''}`);
  console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}); load generator and servers share them`);
  console.log(`load generator of the push sections: ${chooseGenerator(generator as LoadGenerator | undefined)}`);

  if (wanted('a')) printIngestSqlite(await benchIngestSqlite({ seconds: quick ? 5 : 10, rounds: quick ? 1 : 3 }));
  if (wanted('b')) printIngestPostgres(await benchIngestPostgres({ seconds: quick ? 5 : 10 }));
  if (wanted('c')) printEndToEnd(await benchEndToEnd({ rate: 200, seconds: quick ? 15 : 60 }));
  if (wanted('d')) printOutbox(await benchOutbox({ events: quick ? 200_000 : 1_000_000, seconds: quick ? 5 : 10 }));
  if (wanted('answers')) printAnswerFigures(await benchAnswers(quick ? 2 : 5));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
