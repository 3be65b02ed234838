// Users as the rest of the Worker sees them: the account row, and the actor (roles) used by can().
import type { Actor, Role } from '../domain/permissions';
import { hashSecret } from './sessions';

export interface UserRow {
  id: string;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  password_hash: string | null;
  email_confirmed_at: string | null;
  is_admin: number;
  terms_version: string | null;
  roles_changed_at: string | null;
  created_at: string;
}

export type UserActor = Extract<Actor, { kind: 'user' }>;

export function findUserById(db: D1Database, id: string): Promise<UserRow | null> {
  return db.prepare('SELECT * FROM users WHERE id = ?').bind(id).first<UserRow>();
}

/** Sign-in accepts the username or the e-mail address (case-insensitive). */
export function findUserByLogin(db: D1Database, identifier: string): Promise<UserRow | null> {
  const value = identifier.trim();
  return db.prepare('SELECT * FROM users WHERE username = ?1 OR email = ?1 COLLATE NOCASE').bind(value.includes('@') ? value : value.toLowerCase())
    .first<UserRow>();
}

export async function loadUserActor(db: D1Database, user: Pick<UserRow, 'id' | 'username' | 'is_admin'>, readOnly = false): Promise<UserActor> {
  const memberships = await db.prepare('SELECT organization_id, role FROM memberships WHERE user_id = ?').bind(user.id)
    .all<{ organization_id: string; role: Role }>();
  return {
    kind: 'user',
    id: user.id,
    username: user.username,
    isAdmin: user.is_admin === 1,
    readOnly,
    memberships: memberships.results.map((m) => ({ organizationId: m.organization_id, role: m.role })),
  };
}

/** The user behind an API token, if the token is known, not revoked and not expired. */
export async function findApiTokenUser(db: D1Database, token: string, now = new Date()):
  Promise<{ tokenId: string; scope: 'read' | 'read_write'; user: UserRow } | null> {
  const row = await db.prepare(
    `SELECT t.id AS token_id, t.scope, u.*
     FROM api_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
       AND u.email_confirmed_at IS NOT NULL`,
  ).bind(hashSecret(token), now.toISOString()).first<UserRow & { token_id: string; scope: 'read' | 'read_write' }>();
  if (!row) return null;
  const { token_id, scope, ...user } = row;
  return { tokenId: token_id, scope, user };
}

/** Marks a change of the user's roles: their sessions are rotated at their next request. */
export function rolesChangedStatement(db: D1Database, userId: string, now = new Date()): D1PreparedStatement {
  return db.prepare('UPDATE users SET roles_changed_at = ? WHERE id = ?').bind(now.toISOString(), userId);
}

export function touchApiTokenStatement(db: D1Database, tokenId: string, now = new Date()): D1PreparedStatement {
  return db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').bind(now.toISOString(), tokenId);
}
