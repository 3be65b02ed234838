// Sessions the Lucia-guide way: a random token in the cookie, only its SHA-256 in D1, a sliding 30-day expiry.
import { generateSecret, hashSecret } from '../domain/secrets';

export { generateSecret, hashSecret };

const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY_MS;
// A session used in its second half is extended, so active users stay signed in and idle ones expire.
const REFRESH_WHEN_LEFT_MS = 15 * DAY_MS;

export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function createSession(db: D1Database, userId: string, now = new Date()): Promise<{ token: string; session: Session }> {
  const token = generateSecret();
  const session: Session = { id: hashSecret(token), userId, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS) };
  await db.prepare('INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
    .bind(session.id, userId, now.toISOString(), session.expiresAt.toISOString()).run();
  return { token, session };
}

/** The session behind a cookie token, extended if due; `refreshed` tells the caller to re-send the cookie. */
export async function validateSessionToken(db: D1Database, token: string, now = new Date()):
  Promise<{ session: Session; refreshed: boolean } | null> {
  const id = hashSecret(token);
  const row = await db.prepare('SELECT user_id, created_at, expires_at FROM sessions WHERE id = ?').bind(id)
    .first<{ user_id: string; created_at: string; expires_at: string }>();
  if (!row) return null;
  const session: Session = { id, userId: row.user_id, createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at) };
  if (now >= session.expiresAt) {
    await invalidateSession(db, id);
    return null;
  }
  if (session.expiresAt.getTime() - now.getTime() < REFRESH_WHEN_LEFT_MS) {
    session.expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
    await db.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?').bind(session.expiresAt.toISOString(), id).run();
    return { session, refreshed: true };
  }
  return { session, refreshed: false };
}

/** A new token for the same user (privilege change): the old token stops working at once. */
export async function rotateSession(db: D1Database, session: Session): Promise<{ token: string; session: Session }> {
  await invalidateSession(db, session.id);
  return createSession(db, session.userId);
}

export async function invalidateSession(db: D1Database, sessionId: string): Promise<void> {
  await db.prepare('DELETE FROM sessions WHERE id = ?').bind(sessionId).run();
}

/** On password change, account deletion or revocation by an administrator: every device is signed out. */
export function invalidateUserSessionsStatement(db: D1Database, userId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM sessions WHERE user_id = ?').bind(userId);
}

export function deleteExpiredSessionsStatement(db: D1Database, now = new Date()): D1PreparedStatement {
  return db.prepare('DELETE FROM sessions WHERE expires_at <= ?').bind(now.toISOString());
}
