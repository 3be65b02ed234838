// API tokens of a user: created from the account pages or the operator command, shown once, stored as SHA-256.
// Lookup for authentication is in store/users.ts (findApiTokenUser).
import { generateSecret, hashSecret } from './sessions';

export type TokenScope = 'read' | 'read_write';

export interface ApiTokenRow {
  id: string;
  name: string;
  scope: TokenScope;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function newApiToken(db: D1Database, userId: string, token: { name: string; scope: TokenScope; expiresAt: string | null }, now = new Date()):
  { id: string; secret: string; statement: D1PreparedStatement } {
  const id = crypto.randomUUID();
  const secret = generateSecret();
  const statement = db.prepare(
    'INSERT INTO api_tokens (id, user_id, name, token_hash, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).bind(id, userId, token.name, hashSecret(secret), token.scope, now.toISOString(), token.expiresAt);
  return { id, secret, statement };
}

export async function listApiTokens(db: D1Database, userId: string): Promise<ApiTokenRow[]> {
  const rows = await db.prepare(
    'SELECT id, name, scope, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC',
  ).bind(userId).all<ApiTokenRow>();
  return rows.results;
}

/** Only the owner's own, not yet revoked token: another user's token id changes nothing. */
export function revokeApiTokenStatement(db: D1Database, userId: string, tokenId: string, now = new Date()): D1PreparedStatement {
  return db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL')
    .bind(now.toISOString(), tokenId, userId);
}
