// Before each end-to-end file: the portal has finished what the previous file started. Its queue jobs are handled,
// no site build is running, and the last one wrote its files long enough ago for wrangler dev to have reloaded
// (a reload drops the requests in flight, so a page opened during one fails for reasons outside the test).
import { beforeAll, inject } from 'vitest';
import { waitForIdleJobs } from '../../scripts/lib/jobs-idle';

const RELOAD_SETTLE_MS = 3_000;

async function builderQuiet(): Promise<boolean> {
  const status = await fetch(`${inject('hookUrl')}/status`).then((r) => r.json() as Promise<{ building: boolean; current: { builtAt: string } | null }>)
    .catch(() => null);
  return status !== null && !status.building && Date.now() - Date.parse(status.current?.builtAt ?? '1970-01-01') > RELOAD_SETTLE_MS;
}

beforeAll(async () => {
  const deadline = Date.now() + 240_000;
  for (;;) {
    await waitForIdleJobs(inject('portalUrl'), inject('operatorToken'), 240_000);
    if (await builderQuiet()) return;
    if (Date.now() > deadline) throw new Error('the portal was still building or reloading after 4 minutes');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 300_000);
