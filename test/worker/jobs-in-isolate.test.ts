// The isolate's queue accounting that `npm start` reads before swapping a rebuilt site in (wrangler dev's reload
// on new assets drops queued messages): sent jobs count until a batch has handled them.
import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/src/index';
import type { JobMessage } from '../../worker/src/store/queue';
import { OPERATOR } from './fixtures';
import { CORPUS, corpusId, publishCorpus } from './datastore-fixtures';

const PIPES = corpusId(CORPUS.findIndex((c) => c.file === 'pipes.csv'));

const jobs = async (headers: Record<string, string> = OPERATOR) => SELF.fetch('https://portal.test/api/internal/jobs', { headers });

async function consume(bodies: JobMessage[]): Promise<void> {
  const batch = createMessageBatch<JobMessage>('portail-jobs', bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue!(batch, env);
  await getQueueResult(batch, ctx);
}

describe('jobs in the isolate', () => {
  it('counts sent jobs until a consumer batch has handled them, for the operator only', async () => {
    expect(await (await jobs()).json()).toEqual({ sent: 0, handling: 0, idle: true });
    expect((await jobs({})).status).toBe(403);

    await publishCorpus(['pipes.csv']);
    const sent = ((await (await jobs()).json()) as { sent: number }).sent;
    expect(sent).toBeGreaterThan(0);
    const reingest = await SELF.fetch(`https://portal.test/api/internal/datastore/${PIPES}/ingest`, { method: 'POST', headers: OPERATOR });
    expect(reingest.status).toBe(202);
    expect(await (await jobs()).json()).toEqual({ sent: sent + 1, handling: 0, idle: false });

    await consume(Array.from({ length: sent + 1 }, () => ({ type: 'ingest', resourceId: PIPES })));
    // Each ingest that swaps a table in asks for a rebuild: those are outstanding until handled in turn.
    const after = (await (await jobs()).json()) as { sent: number; idle: boolean };
    expect(after.idle).toBe(after.sent === 0);
    await consume(Array.from({ length: after.sent }, () => ({ type: 'rebuild', changeId: 1 })));
    expect(await (await jobs()).json()).toEqual({ sent: 0, handling: 0, idle: true });
  });
});
