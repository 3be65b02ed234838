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
