/**
 * The thread of push-checker.ts: checks each batch of pushes it is sent and answers with their
 * outcomes, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkPush } from './push-check';

export interface CheckBatch {
  /** The bodies one after another; `ends[i]` is where body i ends. */
  bytes: ArrayBuffer;
  ends: number[];
  headers: Array<string | undefined>;
}

const { secret } = workerData as { secret: string };

parentPort?.on('message', ({ bytes, ends, headers }: CheckBatch) => {
  const all = Buffer.from(bytes);
  const now = Date.now();
  parentPort?.postMessage(headers.map((header, i) => checkPush(secret, header, all.subarray(i === 0 ? 0 : ends[i - 1], ends[i]), now)));
});
