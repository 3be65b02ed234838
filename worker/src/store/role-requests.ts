// Role and organisation requests: filing them (sign-up, "mes organisations"), and telling the validators.
import { emailDomain } from '../domain/accounts';
import { webmailPatterns, webmailRuleAllows } from '../domain/email-domains';
import { can, type Actor, type RequestFacts, type Role } from '../domain/permissions';
import { requestsToFile, rolesAfterDropping, rolesGranted, type RequestKind, type RequestStatus } from '../domain/role-requests';
import type { NewOrganization } from '../domain/organization-request';
import { slugify } from '../domain/slug';
import type { Env } from '../env';
import type { MessageKey } from '../i18n';
import { sendMails } from '../mail/mailer';
import { requestDecidedMail, requestSubmittedMails } from '../mail/templates/roles';
import { auditStatement } from './audit';
import { rolesChangedStatement } from './users';

export type RoleKind = Exclude<RequestKind, 'organization'>;

export interface OrganizationRow {
  id: string;
  slug: string;
  legal_name: string;
  email_domains: string;
  is_active: number;
}

export type FileResult = { ok: true; requestIds: string[] } | { ok: false; problem: MessageKey };

export function findOrganization(db: D1Database, id: string): Promise<OrganizationRow | null> {
  return db.prepare('SELECT id, slug, legal_name, email_domains, is_active FROM organizations WHERE id = ?').bind(id).first<OrganizationRow>();
}

async function hasWebmailException(db: D1Database, userId: string, organizationId: string): Promise<boolean> {
  return (await db.prepare('SELECT 1 FROM webmail_exceptions WHERE user_id = ? AND organization_id = ?').bind(userId, organizationId).first()) !== null;
}

/** The personal e-mail rule for one user and organisation, exceptions included. */
export async function webmailAllows(env: Env, user: { id: string; email: string }, organization: OrganizationRow): Promise<boolean> {
  const domains = JSON.parse(organization.email_domains) as string[];
  return webmailRuleAllows(emailDomain(user.email), domains, webmailPatterns(env.WEBMAIL_DOMAINS),
    await hasWebmailException(env.DB, user.id, organization.id));
}

/**
 * Files the request for the highest role asked in an organisation: an active one, or one whose creation this
 * user asked (the administrator then sees both requests together).
 */
export async function fileRoleRequest(env: Env, user: { id: string; email: string }, organizationId: string, asked: readonly RoleKind[], message = ''):
  Promise<FileResult> {
  const organization = await findOrganization(env.DB, organizationId);
  const ownPendingCreation = organization && !organization.is_active && (await env.DB.prepare(
    "SELECT 1 FROM role_requests WHERE user_id = ? AND organization_id = ? AND kind = 'organization' AND status = 'pending'",
  ).bind(user.id, organizationId).first()) !== null;
  if (!organization || (!organization.is_active && !ownPendingCreation)) return { ok: false, problem: 'roles.organizationUnknown' };
  if (!(await webmailAllows(env, user, organization))) return { ok: false, problem: 'roles.webmailRefused' };
  const held = await env.DB.prepare('SELECT role FROM memberships WHERE user_id = ? AND organization_id = ?').bind(user.id, organizationId)
    .all<{ role: Role }>();
  const pending = await env.DB.prepare("SELECT kind FROM role_requests WHERE user_id = ? AND organization_id = ? AND status = 'pending'")
    .bind(user.id, organizationId).all<{ kind: RoleKind }>();
  const kinds = requestsToFile(asked, [...held.results.map((r) => r.role), ...pending.results.map((p) => p.kind)]);
  if (kinds.length === 0) return { ok: false, problem: 'roles.alreadyHeldOrPending' };
  const now = new Date().toISOString();
  const ids = kinds.map(() => crypto.randomUUID());
  await env.DB.batch(kinds.map((kind, i) => env.DB.prepare(
    'INSERT INTO role_requests (id, user_id, organization_id, kind, message, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).bind(ids[i], user.id, organizationId, kind, message.slice(0, 2000), now)));
  return { ok: true, requestIds: ids };
}


/**
 * Asks for a new organisation: it is stored inactive (invisible, nobody can join it) with a request that only
 * an administrator can accept. Roles the requester asks in it are filed once it is active.
 */
export async function fileOrganizationRequest(env: Env, user: { id: string }, organization: Pick<NewOrganization, 'legalName' | 'orgType'> & Partial<NewOrganization>, message = ''): Promise<FileResult & { organizationId?: string }> {
  const legalName = organization.legalName.trim();
  if (!legalName) return { ok: false, problem: 'roles.legalNameRequired' };
  const taken = await env.DB.prepare('SELECT 1 FROM organizations WHERE legal_name = ? COLLATE NOCASE').bind(legalName).first();
  if (taken) return { ok: false, problem: 'roles.legalNameTaken' };
  let slug = slugify(legalName) || 'organisation';
  if (await env.DB.prepare('SELECT 1 FROM organizations WHERE slug = ?').bind(slug).first()) slug = `${slug}-${crypto.randomUUID().slice(0, 6)}`;
  const id = crypto.randomUUID();
  const requestId = crypto.randomUUID();
  const now = new Date().toISOString();
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO organizations (id, slug, legal_name, org_type, description, website, email, phone, address, postcode, city, email_domains, is_active, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
    ).bind(id, slug, legalName, organization.orgType, organization.description ?? '', organization.website || null, organization.email || null,
      organization.phone || null, organization.address || null, organization.postcode || null, organization.city || null,
      JSON.stringify(organization.emailDomains ?? []), now, now),
    env.DB.prepare("INSERT INTO role_requests (id, user_id, organization_id, kind, message, created_at) VALUES (?, ?, ?, 'organization', ?, ?)")
      .bind(requestId, user.id, id, message.slice(0, 2000), now),
  ]);
  return { ok: true, requestIds: [requestId], organizationId: id };
}

/**
 * Mails the validators of pending requests of confirmed users: the organisation's référents for membership and
 * contributeur requests (administrators when it has none), administrators for référent and organisation requests.
 */
export async function notifyValidators(env: Env, requestIds: readonly string[]): Promise<void> {
  if (requestIds.length === 0) return;
  const placeholders = requestIds.map(() => '?').join(',');
  const requests = await env.DB.prepare(
    `SELECT r.id, r.kind, r.message, r.organization_id, o.legal_name, u.username, u.first_name, u.last_name, u.email
     FROM role_requests r JOIN organizations o ON o.id = r.organization_id JOIN users u ON u.id = r.user_id
     WHERE r.id IN (${placeholders}) AND r.status = 'pending' AND u.email_confirmed_at IS NOT NULL`,
  ).bind(...requestIds).all<PendingRequestRow>();
  const admins = (await env.DB.prepare('SELECT email FROM users WHERE is_admin = 1 AND email_confirmed_at IS NOT NULL').all<{ email: string }>())
    .results.map((a) => a.email);
  const mails = [];
  for (const request of requests.results) {
    const referents = request.kind === 'member' || request.kind === 'contributor'
      ? (await env.DB.prepare(
        `SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organization_id = ? AND m.role = 'referent'`,
      ).bind(request.organization_id).all<{ email: string }>()).results.map((r) => r.email)
      : [];
    const validators = referents.length > 0 ? referents : admins;
    mails.push(...requestSubmittedMails(env, request, [...new Set(validators)]));
  }
  await sendMails(env, mails);
}

export interface PendingRequestRow {
  id: string;
  kind: RequestKind;
  message: string;
  organization_id: string;
  legal_name: string;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
}

export interface RequestRow extends PendingRequestRow {
  user_id: string;
  status: RequestStatus;
  created_at: string;
  organization_active: number;
  organization_has_referent: number;
  email_domains: string;
}

const REQUEST_SELECT = `
  SELECT r.id, r.kind, r.message, r.status, r.created_at, r.user_id, r.organization_id,
         o.legal_name, o.is_active AS organization_active, o.email_domains,
         EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = o.id AND m.role = 'referent') AS organization_has_referent,
         u.username, u.first_name, u.last_name, u.email
  FROM role_requests r JOIN organizations o ON o.id = r.organization_id JOIN users u ON u.id = r.user_id`;

export const requestFacts = (row: RequestRow): RequestFacts => ({
  kind: row.kind,
  organizationId: row.organization_id,
  requesterId: row.user_id,
  organizationHasReferent: row.organization_has_referent === 1,
});

export function findRequest(db: D1Database, id: string): Promise<RequestRow | null> {
  return db.prepare(`${REQUEST_SELECT} WHERE r.id = ?`).bind(id).first<RequestRow>();
}

/** Pending requests of confirmed users that this actor may decide (the validation queue). */
export async function pendingRequestsFor(db: D1Database, actor: Actor): Promise<RequestRow[]> {
  const rows = await db.prepare(`${REQUEST_SELECT} WHERE r.status = 'pending' AND u.email_confirmed_at IS NOT NULL ORDER BY r.created_at`)
    .all<RequestRow>();
  return rows.results.filter((row) => can(actor, { action: 'request:decide', request: requestFacts(row) }));
}

export function requestsOfUser(db: D1Database, userId: string): Promise<D1Result<RequestRow>> {
  return db.prepare(`${REQUEST_SELECT} WHERE r.user_id = ? ORDER BY r.created_at DESC`).bind(userId).all<RequestRow>();
}

export type DecideResult = { ok: true } | { ok: false; problem: MessageKey };

/**
 * Accepts or refuses a pending request: roles granted in one batch with the audit row, the requester's sessions
 * rotated at their next request, the requester told by mail.
 */
export async function decideRequest(env: Env, actor: Actor, requestId: string, accept: boolean, note: string): Promise<DecideResult> {
  const request = await findRequest(env.DB, requestId);
  if (!request || request.status !== 'pending') return { ok: false, problem: 'roles.requestNotPending' };
  if (!can(actor, { action: 'request:decide', request: requestFacts(request) })) return { ok: false, problem: 'auth.forbidden' };
  const activatingOrganization = accept && request.kind === 'organization';
  if (accept && !request.organization_active && !activatingOrganization) return { ok: false, problem: 'roles.organizationInactive' };
  const now = new Date().toISOString();
  const statements: D1PreparedStatement[] = [
    env.DB.prepare("UPDATE role_requests SET status = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ? AND status = 'pending'")
      .bind(accept ? 'accepted' : 'refused', actor.kind === 'user' ? actor.id : null, now, note.slice(0, 2000), requestId),
    auditStatement(env.DB, actor, accept ? 'request.accept' : 'request.refuse', { type: 'role_request', id: requestId },
      { kind: request.kind, organizationId: request.organization_id, userId: request.user_id, note }),
  ];
  if (activatingOrganization) {
    statements.push(env.DB.prepare('UPDATE organizations SET is_active = 1, updated_at = ? WHERE id = ?').bind(now, request.organization_id));
  }
  if (accept) {
    for (const role of rolesGranted(request.kind)) {
      statements.push(env.DB.prepare('INSERT OR IGNORE INTO memberships (user_id, organization_id, role, created_at) VALUES (?, ?, ?, ?)')
        .bind(request.user_id, request.organization_id, role, now));
    }
    statements.push(rolesChangedStatement(env.DB, request.user_id));
  }
  await env.DB.batch(statements);
  await sendMails(env, [requestDecidedMail(env, request, accept, note)]);
  return { ok: true };
}

/**
 * Removes a role and the roles above it (a référent who loses contributeur is no longer référent). Users drop
 * their own; référents and administrators remove others' as can() allows.
 */
export async function revokeRole(env: Env, actor: Actor, target: { userId: string; organizationId: string; role: Role }): Promise<DecideResult> {
  const holder = await env.DB.prepare('SELECT is_admin FROM users WHERE id = ?').bind(target.userId).first<{ is_admin: number }>();
  const held = await env.DB.prepare('SELECT role FROM memberships WHERE user_id = ? AND organization_id = ?')
    .bind(target.userId, target.organizationId).all<{ role: Role }>();
  const roles = held.results.map((r) => r.role);
  if (!holder || !roles.includes(target.role)) return { ok: false, problem: 'roles.roleNotHeld' };
  const removed = roles.filter((role) => !rolesAfterDropping(roles, target.role).includes(role));
  for (const role of removed) {
    if (!can(actor, { action: 'role:revoke', role: { ...target, role, holderIsAdmin: holder.is_admin === 1 } })) {
      return { ok: false, problem: 'auth.forbidden' };
    }
  }
  const own = actor.kind === 'user' && actor.id === target.userId;
  await env.DB.batch([
    ...removed.map((role) => env.DB.prepare('DELETE FROM memberships WHERE user_id = ? AND organization_id = ? AND role = ?')
      .bind(target.userId, target.organizationId, role)),
    rolesChangedStatement(env.DB, target.userId),
    auditStatement(env.DB, actor, own ? 'role.drop' : 'role.revoke', { type: 'user', id: target.userId },
      { organizationId: target.organizationId, roles: removed }),
  ]);
  return { ok: true };
}
