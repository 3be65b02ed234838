// wrangler dev reloads the Worker whenever the site's files change, and a reload drops the queue's pending
// messages and stops the batch being handled (a datastore ingest left "queued" for ever, a follower's mail never
// sent). So a local build swaps its files in only once the Worker says no job is outstanding (docs/decisions.md).

/** Waits until the running Worker has no queued or running job; after `timeoutMs` it gives up and lets the swap go. */
export async function waitForIdleJobs(portalUrl: string, operatorToken: string, timeoutMs = 10 * 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await fetch(`${portalUrl}/api/internal/jobs`, { headers: { authorization: `Bearer ${operatorToken}` } })
      .then((r) => (r.ok ? r.json() as Promise<{ idle: boolean }> : null))
      .catch(() => null);
    if (state?.idle) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Before a build writes into the served site: waits for the Worker named by SITE_WAIT_FOR_JOBS (the portal's URL,
 * with OPERATOR_TOKEN) to be idle. `npm start`'s builder sets both; a build run by hand or a benchmark waits for
 * nothing.
 */
export async function beforeSiteWrites(): Promise<void> {
  const portalUrl = process.env.SITE_WAIT_FOR_JOBS;
  const token = process.env.OPERATOR_TOKEN;
  if (portalUrl && token && !(await waitForIdleJobs(portalUrl, token))) {
    console.warn('build-site: queue still busy after 10 minutes, writing the site anyway');
  }
}
