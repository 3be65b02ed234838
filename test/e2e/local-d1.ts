// Writes into the running portal's local D1, as an administrator's validation would have, so end-to-end tests start
// from a known account without replaying the sign-up flow each time.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { hashPassword } from '../../worker/src/domain/password-hash';
import { waitForIdleJobs } from '../../scripts/lib/jobs-idle';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Runs SQL on the portal's local catalogue database with `wrangler d1 execute`, a second writer beside the running
 * portal: it waits until the portal's queue is idle (a job writing at the same time would meet SQLITE_BUSY and
 * fail), and retries SQLITE_BUSY for up to two minutes itself.
 */
export async function executeLocalSql(sql: string): Promise<void> {
  await waitForIdleJobs(inject('portalUrl'), inject('operatorToken'), 120_000);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const result = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'd1', 'execute', 'DB', '--local',
      '--persist-to', inject('stateDir'), '--command', sql], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' } });
    if (result.status === 0) return;
    const output = `${result.stdout}\n${result.stderr}`;
    if (!output.includes('SQLITE_BUSY') || Date.now() > deadline) throw new Error(`wrangler d1 execute failed:\n${output}`);
  }
}

export interface SeededContributor {
  username: string;
  firstName: string;
  lastName: string;
  password: string;
  organizationId: string;
  /** The dataset this contributeur created (so they may edit it). */
  datasetId: string;
}

/** A confirmed contributeur of an organisation who created one of its datasets. */
export async function seedContributor(c: SeededContributor): Promise<void> {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  await executeLocalSql([
    `INSERT INTO users (id, username, email, first_name, last_name, password_hash, email_confirmed_at, terms_version, terms_accepted_at, created_at, updated_at)
     VALUES ('${id}', '${c.username}', '${c.username}@occitanie.example', '${c.firstName}', '${c.lastName}', '${await hashPassword(c.password)}', '${now}', '2026-01', '${now}', '${now}', '${now}')`,
    `INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES ('${id}', '${c.organizationId}', 'member', '${now}'), ('${id}', '${c.organizationId}', 'contributor', '${now}')`,
    `UPDATE datasets SET creator_user_id = '${id}' WHERE id = '${c.datasetId}'`,
  ].join(';\n'));
}
