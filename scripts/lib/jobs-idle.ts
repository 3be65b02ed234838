// wrangler dev reloads the Worker whenever the site's files change, and a reload drops the queue's pending
// messages and stops the batch being handled (a datastore ingest left "queued" for ever, a follower's mail never
// sent). The Worker keeps a ledger of the jobs it sent until they are handled (store/queue.ts): a local build asks
// it to send again what an earlier isolate left, and writes its files only once no job is outstanding; the builder
// asks again after the reload its files caused (docs/decisions.md).

async function askPortal(portalUrl: string, operatorToken: string, path: string, method = 'GET'): Promise<unknown> {
  return fetch(`${portalUrl}${path}`, { method, headers: { authorization: `Bearer ${operatorToken}` } })
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null);
}

/** Sends again the jobs a reload dropped; false when the Worker could not be asked (reloading, stopping). */
export async function recoverLostJobs(portalUrl: string, operatorToken: string): Promise<boolean> {
  return (await askPortal(portalUrl, operatorToken, '/api/internal/jobs/recover', 'POST')) !== null;
}

/** Waits until the running Worker has no outstanding job; after `timeoutMs` it gives up and returns false. */
export async function waitForIdleJobs(portalUrl: string, operatorToken: string, timeoutMs = 10 * 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await askPortal(portalUrl, operatorToken, '/api/internal/jobs') as { idle: boolean; lost: number } | null;
    if (state?.idle) return true;
    if (state && state.lost > 0) await recoverLostJobs(portalUrl, operatorToken);
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Before a build writes into the served site: waits for the Worker named by SITE_WAIT_FOR_JOBS (the portal's URL,
 * with OPERATOR_TOKEN) to have no outstanding job. `npm start`'s builder sets both; a build run by hand or a
 * benchmark waits for nothing.
 */
export async function beforeSiteWrites(): Promise<void> {
  const portalUrl = process.env.SITE_WAIT_FOR_JOBS;
  const token = process.env.OPERATOR_TOKEN;
  if (portalUrl && token && !(await waitForIdleJobs(portalUrl, token))) {
    console.warn('build-site: jobs still outstanding after 10 minutes, writing the site anyway');
  }
}
