// Single-use links sent by mail (e-mail confirmation, password reset, change of e-mail): the mail carries a random
// secret, D1 only its SHA-256, so a leaked database gives no working link.
import { generateSecret, hashSecret } from './sessions';

export type AccountTokenPurpose = 'confirm_email' | 'reset_password' | 'change_email';

const HOUR_MS = 60 * 60 * 1000;

/** A reset link is a password in transit: short-lived. Confirmation links must survive a weekend. */
export const ACCOUNT_TOKEN_LIFETIME_MS: Record<AccountTokenPurpose, number> = {
  confirm_email: 48 * HOUR_MS,
  reset_password: HOUR_MS,
  change_email: 48 * HOUR_MS,
};

export interface AccountTokenRow {
  token_hash: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  new_email: string | null;
  expires_at: string;
  used_at: string | null;
}

export type AccountTokenLookup =
  | { status: 'valid'; token: AccountTokenRow }
  | { status: 'unknown' | 'used' | 'expired' };

/** A new link's secret and the statement storing it, to run in the same batch as the change that needs it. */
export function newAccountToken(db: D1Database, userId: string, purpose: AccountTokenPurpose, newEmail: string | null = null, now = new Date()):
  { secret: string; statement: D1PreparedStatement } {
  const secret = generateSecret();
  const statement = db.prepare(
    'INSERT INTO account_tokens (token_hash, user_id, purpose, new_email, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).bind(hashSecret(secret), userId, purpose, newEmail, now.toISOString(), new Date(now.getTime() + ACCOUNT_TOKEN_LIFETIME_MS[purpose]).toISOString());
  return { secret, statement };
}

export async function findAccountToken(db: D1Database, secret: string, purpose: AccountTokenPurpose, now = new Date()): Promise<AccountTokenLookup> {
  if (!/^[a-z2-7]{32}$/.test(secret)) return { status: 'unknown' };
  const token = await db.prepare('SELECT * FROM account_tokens WHERE token_hash = ? AND purpose = ?').bind(hashSecret(secret), purpose)
    .first<AccountTokenRow>();
  if (!token) return { status: 'unknown' };
  if (token.used_at) return { status: 'used' };
  if (new Date(token.expires_at) <= now) return { status: 'expired' };
  return { status: 'valid', token };
}

/**
 * Marks the link used, alone and first: of two simultaneous clicks only one gets `true`, so a link never serves
 * twice even without a transaction around the change that follows.
 */
export async function claimAccountToken(db: D1Database, tokenHash: string, now = new Date()): Promise<boolean> {
  const result = await db.prepare('UPDATE account_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?')
    .bind(now.toISOString(), tokenHash, now.toISOString()).run();
  return result.meta.changes === 1;
}

/** Older links of the same purpose stop working once a new one is sent or one of them is used. */
export function retireAccountTokensStatement(db: D1Database, userId: string, purpose: AccountTokenPurpose, now = new Date()): D1PreparedStatement {
  return db.prepare('UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL')
    .bind(now.toISOString(), userId, purpose);
}

export function deleteExpiredAccountTokensStatement(db: D1Database, now = new Date()): D1PreparedStatement {
  return db.prepare('DELETE FROM account_tokens WHERE expires_at <= ?').bind(now.toISOString());
}
