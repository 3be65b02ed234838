// Messages of the `jobs` queue. One queue for every background job; `type` routes the message.
export type JobMessage =
  | { type: 'rebuild'; changeId: number }
  | { type: 'ingest'; resourceId: string }
  | { type: 'vector-ingest'; resourceId: string };

/**
 * Jobs this isolate sent and has not yet handled, and batches it is handling. Only meaningful where one isolate
 * both sends and consumes, as under `wrangler dev`: `npm start` waits for none before swapping a rebuilt site in,
 * because wrangler dev's reload on new assets drops the queued messages and stops the running batch
 * (docs/decisions.md). Deployed, the counts are per isolate and nothing reads them.
 */
const inIsolate = { sent: 0, handling: 0 };

export async function sendJob(queue: Queue<JobMessage>, message: JobMessage): Promise<void> {
  await queue.send(message);
  inIsolate.sent++;
}

export async function enqueueRebuild(queue: Queue<JobMessage>, changeId: number): Promise<void> {
  await sendJob(queue, { type: 'rebuild', changeId });
}

/** Runs a consumer batch, counting it as handled work. */
export async function handlingBatch(size: number, run: () => Promise<void>): Promise<void> {
  inIsolate.handling++;
  try {
    await run();
  } finally {
    inIsolate.handling--;
    inIsolate.sent = Math.max(0, inIsolate.sent - size);
  }
}

export const jobsInIsolate = (): { sent: number; handling: number; idle: boolean } =>
  ({ ...inIsolate, idle: inIsolate.sent === 0 && inIsolate.handling === 0 });
