// The administration console and the organisation members page: lists, counts and the audit log, and the
// administrators' own changes. Each change is one D1 batch (a transaction) that carries its audit row.
import type { Actor, Role } from '../domain/permissions';
import type { MessageKey } from '../i18n';
import { auditStatement } from './audit';
import { invalidateUserSessionsStatement } from './sessions';
import { rolesChangedStatement } from './users';

export type ChangeResult = { ok: true } | { ok: false; problem: MessageKey };

export interface DashboardCounts {
  users: number;
  unconfirmed_users: number;
  active_organizations: number;
  organizations_awaiting: number;
  pending_requests: number;
}

export async function dashboardCounts(db: D1Database): Promise<DashboardCounts> {
  // Pending requests are counted as the validation queue shows them: those of confirmed accounts.
  const row = await db.prepare(`SELECT
      (SELECT COUNT(*) FROM users) AS users,
      (SELECT COUNT(*) FROM users WHERE email_confirmed_at IS NULL) AS unconfirmed_users,
      (SELECT COUNT(*) FROM organizations WHERE is_active = 1) AS active_organizations,
      (SELECT COUNT(*) FROM organizations o WHERE o.is_active = 0 AND EXISTS (
         SELECT 1 FROM role_requests r WHERE r.organization_id = o.id AND r.kind = 'organization' AND r.status = 'pending')) AS organizations_awaiting,
      (SELECT COUNT(*) FROM role_requests r JOIN users u ON u.id = r.user_id
         WHERE r.status = 'pending' AND u.email_confirmed_at IS NOT NULL) AS pending_requests`).first<DashboardCounts>();
  return row!;
}

export interface UserListRow {
  id: string;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  email_confirmed_at: string | null;
  is_admin: number;
  created_at: string;
}

export interface HeldRole {
  user_id: string;
  organization_id: string;
  legal_name: string;
  role: Role;
}

/** `%`, `_` and `\` typed in the search box are matched literally (usernames often contain `_`). */
function likePattern(query: string): string {
  return `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Users whose username, name or e-mail contains `query`, by username, one page at a time, with their roles. */
export async function searchUsers(db: D1Database, query: string, page: number, pageSize: number):
  Promise<{ total: number; users: UserListRow[]; roles: HeldRole[] }> {
  const where = `WHERE ?1 = '' OR username LIKE ?2 ESCAPE '\\' OR email LIKE ?2 ESCAPE '\\'
    OR (first_name || ' ' || last_name) LIKE ?2 ESCAPE '\\' OR (last_name || ' ' || first_name) LIKE ?2 ESCAPE '\\'`;
  const trimmed = query.trim();
  const pattern = likePattern(trimmed);
  const [count, users] = await db.batch([
    db.prepare(`SELECT COUNT(*) AS n FROM users ${where}`).bind(trimmed, pattern),
    db.prepare(`SELECT id, username, first_name, last_name, email, email_confirmed_at, is_admin, created_at FROM users ${where}
      ORDER BY username LIMIT ?3 OFFSET ?4`).bind(trimmed, pattern, pageSize, (page - 1) * pageSize),
  ]);
  const rows = (users!.results as unknown as UserListRow[]);
  return { total: (count!.results[0] as { n: number }).n, users: rows, roles: await rolesOf(db, rows.map((u) => u.id)) };
}

export async function rolesOf(db: D1Database, userIds: readonly string[]): Promise<HeldRole[]> {
  if (userIds.length === 0) return [];
  const rows = await db.prepare(
    `SELECT m.user_id, m.organization_id, o.legal_name, m.role FROM memberships m JOIN organizations o ON o.id = m.organization_id
     WHERE m.user_id IN (SELECT value FROM json_each(?)) ORDER BY o.legal_name COLLATE NOCASE`,
  ).bind(JSON.stringify(userIds)).all<HeldRole>();
  return rows.results;
}

export interface WebmailExceptionRow {
  organization_id: string;
  legal_name: string;
  reason: string;
  created_at: string;
  granted_by_username: string | null;
}

export async function webmailExceptionsOf(db: D1Database, userId: string): Promise<WebmailExceptionRow[]> {
  const rows = await db.prepare(
    `SELECT w.organization_id, o.legal_name, w.reason, w.created_at, g.username AS granted_by_username
     FROM webmail_exceptions w JOIN organizations o ON o.id = w.organization_id LEFT JOIN users g ON g.id = w.granted_by
     WHERE w.user_id = ? ORDER BY o.legal_name COLLATE NOCASE`,
  ).bind(userId).all<WebmailExceptionRow>();
  return rows.results;
}

export async function activeSessionCount(db: D1Database, userId: string): Promise<number> {
  const row = await db.prepare('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND expires_at > ?')
    .bind(userId, new Date().toISOString()).first<{ n: number }>();
  return row!.n;
}

export interface OrganizationChoice {
  id: string;
  legal_name: string;
  is_active: number;
}

export async function organizationChoices(db: D1Database): Promise<OrganizationChoice[]> {
  return (await db.prepare('SELECT id, legal_name, is_active FROM organizations ORDER BY legal_name COLLATE NOCASE')
    .all<OrganizationChoice>()).results;
}

const userExists = async (db: D1Database, userId: string) =>
  (await db.prepare('SELECT 1 FROM users WHERE id = ?').bind(userId).first()) !== null;

const organizationExists = async (db: D1Database, organizationId: string) =>
  (await db.prepare('SELECT 1 FROM organizations WHERE id = ?').bind(organizationId).first()) !== null;

/**
 * Grants or withdraws platform administrator status. The portal always keeps one administrator: withdrawing the
 * last one is refused. The holder's sessions are rotated at their next request, as for any privilege change.
 */
export async function setPlatformAdmin(db: D1Database, actor: Actor, userId: string, admin: boolean): Promise<ChangeResult> {
  const user = await db.prepare('SELECT is_admin FROM users WHERE id = ?').bind(userId).first<{ is_admin: number }>();
  if (!user) return { ok: false, problem: 'admin.users.unknown' };
  if ((user.is_admin === 1) === admin) return { ok: false, problem: admin ? 'admin.users.alreadyAdmin' : 'admin.users.notAdmin' };
  const othersLeft = await db.prepare('SELECT COUNT(*) AS n FROM users WHERE is_admin = 1 AND id <> ?').bind(userId).first<{ n: number }>();
  if (!admin && othersLeft!.n === 0) return { ok: false, problem: 'admin.users.lastAdmin' };
  const now = new Date().toISOString();
  // D1 has no interactive transaction: the guard is repeated inside the statement, where a NULL (refused by the
  // NOT NULL column) fails the whole batch, audit row included, if two administrators withdrew each other at once.
  const update = admin
    ? db.prepare('UPDATE users SET is_admin = 1, updated_at = ? WHERE id = ?').bind(now, userId)
    : db.prepare(`UPDATE users SET is_admin = CASE WHEN EXISTS (SELECT 1 FROM users WHERE is_admin = 1 AND id <> ?2) THEN 0 ELSE NULL END,
        updated_at = ?1 WHERE id = ?2`).bind(now, userId);
  try {
    await db.batch([
      update,
      rolesChangedStatement(db, userId),
      auditStatement(db, actor, admin ? 'admin.grant' : 'admin.withdraw', { type: 'user', id: userId }),
    ]);
  } catch (error) {
    if (!admin && String(error).includes('NOT NULL constraint failed: users.is_admin')) return { ok: false, problem: 'admin.users.lastAdmin' };
    throw error;
  }
  return { ok: true };
}

/** An audited exception to the personal e-mail rule for one user and organisation; `reason` is required. */
export async function grantWebmailException(db: D1Database, actor: Actor, userId: string, organizationId: string, reason: string): Promise<ChangeResult> {
  if (!(await userExists(db, userId))) return { ok: false, problem: 'admin.users.unknown' };
  if (!(await organizationExists(db, organizationId))) return { ok: false, problem: 'admin.organizations.unknown' };
  const existing = await db.prepare('SELECT 1 FROM webmail_exceptions WHERE user_id = ? AND organization_id = ?').bind(userId, organizationId).first();
  if (existing) return { ok: false, problem: 'admin.webmail.exists' };
  await db.batch([
    db.prepare('INSERT INTO webmail_exceptions (user_id, organization_id, granted_by, reason, created_at) VALUES (?, ?, ?, ?, ?)')
      .bind(userId, organizationId, actor.kind === 'user' ? actor.id : null, reason, new Date().toISOString()),
    auditStatement(db, actor, 'webmail.grant', { type: 'user', id: userId }, { organizationId, reason }),
  ]);
  return { ok: true };
}

/** Withdraws an exception; roles already granted stay (removing them is a separate, visible decision). */
export async function withdrawWebmailException(db: D1Database, actor: Actor, userId: string, organizationId: string): Promise<ChangeResult> {
  const existing = await db.prepare('SELECT reason FROM webmail_exceptions WHERE user_id = ? AND organization_id = ?')
    .bind(userId, organizationId).first<{ reason: string }>();
  if (!existing) return { ok: false, problem: 'admin.webmail.missing' };
  await db.batch([
    db.prepare('DELETE FROM webmail_exceptions WHERE user_id = ? AND organization_id = ?').bind(userId, organizationId),
    auditStatement(db, actor, 'webmail.withdraw', { type: 'user', id: userId }, { organizationId, reason: existing.reason }),
  ]);
  return { ok: true };
}

/** Signs the user out on every device (a stolen session, a departure). */
export async function signOutEverywhere(db: D1Database, actor: Actor, userId: string): Promise<ChangeResult> {
  if (!(await userExists(db, userId))) return { ok: false, problem: 'admin.users.unknown' };
  const sessions = await activeSessionCount(db, userId);
  await db.batch([
    invalidateUserSessionsStatement(db, userId),
    auditStatement(db, actor, 'sessions.revoke', { type: 'user', id: userId }, { sessions }),
  ]);
  return { ok: true };
}

export interface OrganizationAdminRow {
  id: string;
  slug: string;
  legal_name: string;
  org_type: string;
  email_domains: string;
  is_active: number;
  created_at: string;
  members: number;
  datasets: number;
  request_id: string | null;
  requested_at: string | null;
  request_message: string | null;
  requester_id: string | null;
  requester_username: string | null;
  requester_email: string | null;
}

const ORGANIZATION_SELECT = `
  SELECT o.id, o.slug, o.legal_name, o.org_type, o.email_domains, o.is_active, o.created_at,
         (SELECT COUNT(DISTINCT m.user_id) FROM memberships m WHERE m.organization_id = o.id) AS members,
         (SELECT COUNT(*) FROM datasets d WHERE d.organization_id = o.id) AS datasets,
         r.id AS request_id, r.created_at AS requested_at, r.message AS request_message,
         u.id AS requester_id, u.username AS requester_username, u.email AS requester_email
  FROM organizations o
  LEFT JOIN role_requests r ON r.organization_id = o.id AND r.kind = 'organization' AND r.status = 'pending'
  LEFT JOIN users u ON u.id = r.user_id`;

/** Every organisation, inactive ones first (they wait for a decision), then by name. */
export async function listOrganizations(db: D1Database): Promise<OrganizationAdminRow[]> {
  return (await db.prepare(`${ORGANIZATION_SELECT} ORDER BY o.is_active, o.legal_name COLLATE NOCASE`).all<OrganizationAdminRow>()).results;
}

export function findOrganizationForAdmin(db: D1Database, id: string): Promise<OrganizationAdminRow | null> {
  return db.prepare(`${ORGANIZATION_SELECT} WHERE o.id = ?`).bind(id).first<OrganizationAdminRow>();
}

/**
 * Activates or deactivates an organisation. Deactivation keeps its data and roles; it only stops new requests. An
 * organisation waiting for its creation request is activated by accepting that request (the requester is told).
 */
export async function setOrganizationActive(db: D1Database, actor: Actor, organizationId: string, active: boolean): Promise<ChangeResult> {
  const organization = await findOrganizationForAdmin(db, organizationId);
  if (!organization) return { ok: false, problem: 'admin.organizations.unknown' };
  if ((organization.is_active === 1) === active) {
    return { ok: false, problem: active ? 'admin.organizations.alreadyActive' : 'admin.organizations.alreadyInactive' };
  }
  if (active && organization.request_id) return { ok: false, problem: 'admin.organizations.creationPending' };
  await db.batch([
    db.prepare('UPDATE organizations SET is_active = ?, updated_at = ? WHERE id = ?').bind(active ? 1 : 0, new Date().toISOString(), organizationId),
    auditStatement(db, actor, active ? 'organization.activate' : 'organization.deactivate', { type: 'organization', id: organizationId }),
  ]);
  return { ok: true };
}

export async function setOrganizationDomains(db: D1Database, actor: Actor, organizationId: string, domains: readonly string[]): Promise<ChangeResult> {
  const organization = await findOrganizationForAdmin(db, organizationId);
  if (!organization) return { ok: false, problem: 'admin.organizations.unknown' };
  await db.batch([
    db.prepare('UPDATE organizations SET email_domains = ?, updated_at = ? WHERE id = ?')
      .bind(JSON.stringify(domains), new Date().toISOString(), organizationId),
    auditStatement(db, actor, 'organization.domains', { type: 'organization', id: organizationId },
      { domains, previousDomains: JSON.parse(organization.email_domains) as string[] }),
  ]);
  return { ok: true };
}

export interface MemberRow {
  id: string;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  is_admin: number;
  roles: Role[];
}

const ROLE_ORDER: Record<Role, number> = { member: 0, contributor: 1, referent: 2 };

/** People holding a role in the organisation, by username, each with their roles from membre to référent. */
export async function organizationMembers(db: D1Database, organizationId: string): Promise<MemberRow[]> {
  const rows = await db.prepare(
    `SELECT u.id, u.username, u.first_name, u.last_name, u.email, u.is_admin, m.role
     FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organization_id = ? ORDER BY u.username`,
  ).bind(organizationId).all<Omit<MemberRow, 'roles'> & { role: Role }>();
  const members = new Map<string, MemberRow>();
  for (const { role, ...user } of rows.results) {
    const member = members.get(user.id) ?? { ...user, roles: [] };
    member.roles.push(role);
    members.set(user.id, member);
  }
  for (const member of members.values()) member.roles.sort((a, b) => ROLE_ORDER[a] - ROLE_ORDER[b]);
  return [...members.values()];
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  detail: string;
}

export interface AuditFilter {
  action: string;
  /** Entries made by this user, about this user, or naming them in their detail. */
  userId: string;
}

/** The audit log, newest first, one page at a time. */
export async function auditEntries(db: D1Database, filter: AuditFilter, page: number, pageSize: number): Promise<{ total: number; rows: AuditRow[] }> {
  const where = `WHERE (?1 = '' OR action = ?1)
    AND (?2 = '' OR actor = ?2 OR (object_type = 'user' AND object_id = ?2) OR json_extract(detail, '$.userId') = ?2)`;
  const [count, rows] = await db.batch([
    db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${where}`).bind(filter.action, filter.userId),
    db.prepare(`SELECT id, at, actor, action, object_type, object_id, detail FROM audit_log ${where} ORDER BY id DESC LIMIT ?3 OFFSET ?4`)
      .bind(filter.action, filter.userId, pageSize, (page - 1) * pageSize),
  ]);
  return { total: (count!.results[0] as { n: number }).n, rows: rows!.results as unknown as AuditRow[] };
}

export async function auditActions(db: D1Database): Promise<string[]> {
  return (await db.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').all<{ action: string }>()).results.map((r) => r.action);
}

export function findUserIdByUsername(db: D1Database, username: string): Promise<{ id: string } | null> {
  return db.prepare('SELECT id FROM users WHERE username = ?').bind(username.trim().toLowerCase()).first<{ id: string }>();
}

/** Usernames and organisation names of the ids an audit page mentions. */
export async function namesOf(db: D1Database, userIds: readonly string[], organizationIds: readonly string[]):
  Promise<{ users: Map<string, string>; organizations: Map<string, string> }> {
  const [users, organizations] = await db.batch([
    db.prepare('SELECT id, username AS name FROM users WHERE id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(userIds)),
    db.prepare('SELECT id, legal_name AS name FROM organizations WHERE id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(organizationIds)),
  ]);
  const toMap = (result: D1Result | undefined) => new Map((result!.results as Array<{ id: string; name: string }>).map((r) => [r.id, r.name]));
  return { users: toMap(users), organizations: toMap(organizations) };
}
