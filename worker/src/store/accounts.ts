// Account rows: creation at sign-up, the conditions d'utilisation accepted, profile, e-mail and password changes,
// deletion. Statements are returned where the caller batches them with a mail token or an audit row.

export interface NewAccount {
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  passwordHash: string;
  termsVersion: string;
}

export interface TermsVersion {
  version: string;
  published_at: string;
  summary: string;
}

export function currentTerms(db: D1Database): Promise<TermsVersion | null> {
  return db.prepare('SELECT version, published_at, summary FROM terms_versions ORDER BY published_at DESC LIMIT 1').first<TermsVersion>();
}

/** True when a newer version of the conditions exists than the one the user accepted. */
export async function termsOutdated(db: D1Database, userId: string): Promise<boolean> {
  const row = await db.prepare(
    `SELECT u.terms_version AS accepted, (SELECT version FROM terms_versions ORDER BY published_at DESC LIMIT 1) AS current
     FROM users u WHERE u.id = ?`,
  ).bind(userId).first<{ accepted: string | null; current: string | null }>();
  return row !== null && row.current !== null && row.accepted !== row.current;
}

export function acceptTermsStatement(db: D1Database, userId: string, version: string, now = new Date()): D1PreparedStatement {
  return db.prepare('UPDATE users SET terms_version = ?, terms_accepted_at = ?, updated_at = ? WHERE id = ?')
    .bind(version, now.toISOString(), now.toISOString(), userId);
}

export async function usernameTaken(db: D1Database, username: string): Promise<boolean> {
  return (await db.prepare('SELECT 1 FROM users WHERE username = ?').bind(username).first()) !== null;
}

/** users.email is COLLATE NOCASE: Camille@X and camille@x are the same address. */
export async function emailTaken(db: D1Database, email: string, exceptUserId = ''): Promise<boolean> {
  return (await db.prepare('SELECT 1 FROM users WHERE email = ? AND id <> ?').bind(email, exceptUserId).first()) !== null;
}

/** The new, unconfirmed account (it cannot sign in until the confirmation link is opened). */
export function insertAccountStatement(db: D1Database, id: string, account: NewAccount, now = new Date()): D1PreparedStatement {
  const at = now.toISOString();
  return db.prepare(
    `INSERT INTO users (id, username, email, first_name, last_name, phone, password_hash, email_confirmed_at, is_admin,
       terms_version, terms_accepted_at, password_changed_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 0, ?, ?, ?, ?, ?)`,
  ).bind(id, account.username, account.email, account.firstName, account.lastName, account.phone, account.passwordHash,
    account.termsVersion, at, at, at, at);
}

/** Only the first confirmation counts: confirming twice changes nothing. */
export function confirmEmailStatement(db: D1Database, userId: string, now = new Date()): D1PreparedStatement {
  return db.prepare('UPDATE users SET email_confirmed_at = ?, updated_at = ? WHERE id = ? AND email_confirmed_at IS NULL')
    .bind(now.toISOString(), now.toISOString(), userId);
}

export function setPasswordStatement(db: D1Database, userId: string, passwordHash: string, now = new Date()): D1PreparedStatement {
  return db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?')
    .bind(passwordHash, now.toISOString(), now.toISOString(), userId);
}

export function updateProfileStatement(db: D1Database, userId: string, profile: { firstName: string; lastName: string; phone: string | null }, now = new Date()):
  D1PreparedStatement {
  return db.prepare('UPDATE users SET first_name = ?, last_name = ?, phone = ?, updated_at = ? WHERE id = ?')
    .bind(profile.firstName, profile.lastName, profile.phone, now.toISOString(), userId);
}

/** Opening the link sent to the new address proves it, so it counts as confirmed. */
export function changeEmailStatement(db: D1Database, userId: string, email: string, now = new Date()): D1PreparedStatement {
  return db.prepare('UPDATE users SET email = ?, email_confirmed_at = COALESCE(email_confirmed_at, ?), updated_at = ? WHERE id = ?')
    .bind(email, now.toISOString(), now.toISOString(), userId);
}

export async function pendingRequestIds(db: D1Database, userId: string): Promise<string[]> {
  const rows = await db.prepare("SELECT id FROM role_requests WHERE user_id = ? AND status = 'pending'").bind(userId).all<{ id: string }>();
  return rows.results.map((r) => r.id);
}

/**
 * Deleting an account: sessions, tokens, memberships and requests go with it (ON DELETE CASCADE), datasets stay
 * with their organisation (creator set to NULL), and an organisation whose creation this user was still asking
 * for goes too if nothing was published in it.
 */
export function deleteAccountStatements(db: D1Database, userId: string): D1PreparedStatement[] {
  return [
    db.prepare(
      `DELETE FROM organizations WHERE is_active = 0
         AND id IN (SELECT organization_id FROM role_requests WHERE user_id = ? AND kind = 'organization' AND status = 'pending')
         AND NOT EXISTS (SELECT 1 FROM datasets d WHERE d.organization_id = organizations.id)`,
    ).bind(userId),
    db.prepare('DELETE FROM users WHERE id = ?').bind(userId),
  ];
}
