// Messages of the `jobs` queue. One queue for every background job; `type` routes the message.
export type JobMessage =
  | { type: 'rebuild'; changeId: number }
  | { type: 'ingest'; resourceId: string }
  | { type: 'vector-ingest'; resourceId: string };

/** A message as sent: with the id of its row in the job ledger. */
export type LedgeredMessage = JobMessage & { jobId?: string };

/** This isolate, as the sender of ledger rows (a wrangler dev reload starts a new one); drawn at first use, since
 * the Workers runtime refuses random values at module load. */
let isolate: string | null = null;
const isolateId = () => (isolate ??= crypto.randomUUID());

/**
 * Sends a job and records it in the ledger until a consumer has handled it. Locally, `npm start` sends again what
 * a wrangler dev reload dropped (`recoverJobs`) and writes new site files only when the ledger is empty.
 */
export async function sendJob(env: { JOBS: Queue<JobMessage>; DB: D1Database }, message: JobMessage): Promise<void> {
  const jobId = crypto.randomUUID();
  await env.DB.prepare('INSERT INTO job_ledger (id, body, sender, sent_at) VALUES (?, ?, ?, ?)')
    .bind(jobId, JSON.stringify(message), isolateId(), new Date().toISOString()).run();
  await env.JOBS.send({ ...message, jobId } as LedgeredMessage);
}

export async function enqueueRebuild(env: { JOBS: Queue<JobMessage>; DB: D1Database }, changeId: number): Promise<void> {
  await sendJob(env, { type: 'rebuild', changeId });
}

/** Runs a consumer batch, then takes its messages off the ledger (also when a handler failed: they retry or end). */
export async function handlingBatch(db: D1Database, messages: readonly Message<JobMessage>[], run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } finally {
    const ids = messages.map((m) => (m.body as LedgeredMessage).jobId).filter((id): id is string => !!id);
    if (ids.length > 0) await db.prepare('DELETE FROM job_ledger WHERE id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(ids)).run();
  }
}

/** Jobs sent and not yet handled; `lost` were sent by another isolate (dropped by a local reload, or in flight elsewhere). */
export async function jobLedger(db: D1Database): Promise<{ outstanding: number; lost: number; idle: boolean }> {
  const row = await db.prepare('SELECT count(*) AS outstanding, count(*) FILTER (WHERE sender != ?) AS lost FROM job_ledger').bind(isolateId())
    .first<{ outstanding: number; lost: number }>();
  return { outstanding: row!.outstanding, lost: row!.lost, idle: row!.outstanding === 0 };
}

/**
 * Sends again the jobs another isolate sent and no consumer handled. Only for the local runtime, where one isolate
 * serves everything and a reload loses its queue: deployed, other isolates' jobs are in flight, not lost.
 */
export async function recoverJobs(env: { JOBS: Queue<JobMessage>; DB: D1Database }): Promise<number> {
  const rows = await env.DB.prepare('SELECT id, body FROM job_ledger WHERE sender != ? ORDER BY sent_at').bind(isolateId()).all<{ id: string; body: string }>();
  for (const row of rows.results) {
    await env.DB.prepare('UPDATE job_ledger SET sender = ? WHERE id = ?').bind(isolateId(), row.id).run();
    await env.JOBS.send({ ...(JSON.parse(row.body) as JobMessage), jobId: row.id } as LedgeredMessage);
  }
  return rows.results.length;
}
