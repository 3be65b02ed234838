// The job ledger that lets `npm start` survive wrangler dev's reloads: every sent job is recorded until a consumer
// batch has handled it, and the jobs an earlier isolate sent and nobody handled are sent again on request.
import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/src/index';
import type { JobMessage, LedgeredMessage } from '../../worker/src/store/queue';
import { OPERATOR } from './fixtures';
import { CORPUS, corpusId, publishCorpus } from './datastore-fixtures';
import { readEntry } from '../../worker/src/store/datastore';

const PIPES = corpusId(CORPUS.findIndex((c) => c.file === 'pipes.csv'));
const ledger = async () => (await SELF.fetch('https://portal.test/api/internal/jobs', { headers: OPERATOR })).json();

/** Delivers every job of the ledger to the consumer, as the queue would. */
async function consumeLedger(): Promise<void> {
  const rows = await env.DB.prepare('SELECT id, body FROM job_ledger ORDER BY sent_at').all<{ id: string; body: string }>();
  const batch = createMessageBatch<JobMessage>('portail-jobs', rows.results.map((r, i) => ({
    id: `m${i}`, timestamp: new Date(), attempts: 1, body: { ...(JSON.parse(r.body) as JobMessage), jobId: r.id } as LedgeredMessage,
  })));
  const ctx = createExecutionContext();
  await worker.queue!(batch, env);
  await getQueueResult(batch, ctx);
}

describe('job ledger', () => {
  it('records sent jobs until handled, and sends again for the operator what an earlier isolate left', async () => {
    expect(await ledger()).toEqual({ outstanding: 0, lost: 0, idle: true });
    expect((await SELF.fetch('https://portal.test/api/internal/jobs')).status).toBe(403);
    expect((await SELF.fetch('https://portal.test/api/internal/jobs/recover', { method: 'POST' })).status).toBe(403);

    await publishCorpus(['pipes.csv']);
    const sent = (await ledger()) as { outstanding: number };
    expect(sent).toMatchObject({ lost: 0, idle: false });
    expect(sent.outstanding).toBeGreaterThan(0);

    // As after a reload: the rows were sent by an isolate that no longer exists, and its queue is gone.
    await env.DB.prepare("UPDATE job_ledger SET sender = 'an-isolate-before-the-reload'").run();
    expect(await ledger()).toEqual({ outstanding: sent.outstanding, lost: sent.outstanding, idle: false });
    const recovered = await SELF.fetch('https://portal.test/api/internal/jobs/recover', { method: 'POST', headers: OPERATOR });
    expect(await recovered.json()).toEqual({ resent: sent.outstanding });
    expect(await ledger()).toEqual({ outstanding: sent.outstanding, lost: 0, idle: false });

    // Handled batches leave the ledger; the ingest's own rebuild request is recorded, then handled in turn.
    for (let round = 0; round < 3 && !((await ledger()) as { idle: boolean }).idle; round++) await consumeLedger();
    expect(await ledger()).toEqual({ outstanding: 0, lost: 0, idle: true });
    expect((await readEntry(env.DATASTORE, PIPES))?.jobState).toBe('done');
  });
});
