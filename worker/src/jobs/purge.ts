// The hourly clean-up (cron trigger): accounts never confirmed, requests nobody decided, organisations whose
// creation was refused or abandoned and that hold nothing, and the expired sessions, mail links and rate-limit
// counters. IDGO left this to an unscheduled Celery task; here it is one D1 batch (a transaction) and one audit row.
import type { Env } from '../env';
import { deleteExpiredAccountTokensStatement } from '../store/account-tokens';
import { auditStatement } from '../store/audit';
import { deleteStaleRateLimitsStatement } from '../store/rate-limit';
import { deleteExpiredSessionsStatement } from '../store/sessions';

const HOUR_MS = 60 * 60 * 1000;
const DAY_SECONDS = 24 * 60 * 60;

function setting(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value && Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

export interface PurgeCounts {
  requestsCancelled: number;
  organizationsDeleted: number;
  accountsDeleted: number;
  sessionsDeleted: number;
  accountTokensDeleted: number;
  rateLimitsDeleted: number;
}

export async function purge(env: Env, now = new Date()): Promise<PurgeCounts> {
  const db = env.DB;
  const accountCutoff = new Date(now.getTime() - setting(env.ACCOUNT_PURGE_HOURS, 48) * HOUR_MS).toISOString();
  const requestCutoff = new Date(now.getTime() - setting(env.REQUEST_PURGE_DAYS, 30) * 24 * HOUR_MS).toISOString();
  const at = now.toISOString();
  const results = await db.batch([
    // Requests of accounts about to be purged are cancelled with the stale ones, so the organisations they asked
    // for are found by the next statement.
    db.prepare(
      `UPDATE role_requests SET status = 'cancelled', decided_at = ?1
       WHERE status = 'pending' AND (created_at < ?2
         OR user_id IN (SELECT id FROM users WHERE email_confirmed_at IS NULL AND created_at < ?3))
       RETURNING 1`,
    ).bind(at, requestCutoff, accountCutoff),
    db.prepare(
      `DELETE FROM organizations WHERE is_active = 0
         AND NOT EXISTS (SELECT 1 FROM datasets d WHERE d.organization_id = organizations.id)
         AND EXISTS (SELECT 1 FROM role_requests r WHERE r.organization_id = organizations.id AND r.kind = 'organization' AND r.status IN ('cancelled', 'refused'))
         AND NOT EXISTS (SELECT 1 FROM role_requests r WHERE r.organization_id = organizations.id AND r.kind = 'organization' AND r.status IN ('pending', 'accepted'))
       RETURNING 1`,
    ),
    db.prepare('DELETE FROM users WHERE email_confirmed_at IS NULL AND created_at < ? RETURNING 1').bind(accountCutoff),
    deleteExpiredSessionsStatement(db, now),
    deleteExpiredAccountTokensStatement(db, now),
    // Every limit's window is at most an hour: a day-old counter can only be stale.
    deleteStaleRateLimitsStatement(db, DAY_SECONDS, now.getTime()),
  ]);
  // D1's `changes` also counts rows removed by ON DELETE CASCADE: the first three count their own rows instead.
  const [requestsCancelled, organizationsDeleted, accountsDeleted, sessionsDeleted, accountTokensDeleted, rateLimitsDeleted] =
    results.map((r, i) => (i < 3 ? r.results.length : r.meta.changes)) as [number, number, number, number, number, number];
  const counts = { requestsCancelled, organizationsDeleted, accountsDeleted, sessionsDeleted, accountTokensDeleted, rateLimitsDeleted };
  if (requestsCancelled + organizationsDeleted + accountsDeleted > 0) {
    await auditStatement(db, 'system', 'purge', null, counts).run();
  }
  return counts;
}
