// Rebuild job: coalesces every rebuild message of a batch into one call of the rebuild hook
// (locally `npm start`'s builder, in production a deploy hook). A failed call retries the batch.
import type { Env } from '../env';
import type { JobMessage } from '../store/queue';

export async function requestRebuild(env: Env, changeId: number): Promise<void> {
  const response = await fetch(env.REBUILD_HOOK_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.REBUILD_HOOK_TOKEN}` },
    body: JSON.stringify({ changeId }),
  });
  if (!response.ok) throw new Error(`rebuild hook answered ${response.status}`);
}

export async function handleRebuildMessages(messages: readonly Message<JobMessage>[], env: Env): Promise<void> {
  const rebuilds = messages.filter((m): m is Message<Extract<JobMessage, { type: 'rebuild' }>> => m.body.type === 'rebuild');
  if (rebuilds.length === 0) return;
  const changeId = Math.max(...rebuilds.map((m) => m.body.changeId));
  try {
    await requestRebuild(env, changeId);
    for (const m of rebuilds) m.ack();
  } catch (error) {
    console.error('rebuild hook failed', error);
    for (const m of rebuilds) m.retry({ delaySeconds: 5 });
  }
}
