// Access requests to restricted resources (issue 5): filed by a signed-in user, decided by the contributeurs and
// référents of the dataset's organisation. A grant adds the user or their organisation to the resource's allowed
// lists (the tables the resource form fills), which can() reads on every channel.
import { can, type DatasetFacts, type ResourceFacts } from '../domain/permissions';
import type { AccessLevel } from '../domain/vocabulary';
import type { Env } from '../env';
import type { SignedIn } from '../http/pages';
import { auditStatement } from './audit';
import { changeStatement, publishChange } from './catalogue-changes';

export interface RequestableResource {
  id: string;
  title: string;
  accessLevel: AccessLevel;
  facts: ResourceFacts;
}

export interface RequestableDataset {
  id: string;
  slug: string;
  title: string;
  organizationId: string;
  organizationName: string;
  facts: DatasetFacts;
  resources: RequestableResource[];
}

/** A dataset (by id or slug) with each resource's download facts. */
export async function findRequestableDataset(db: D1Database, idOrSlug: string): Promise<RequestableDataset | null> {
  const dataset = await db.prepare(
    `SELECT d.id, d.slug, d.title, d.organization_id, d.published, d.creator_user_id, o.legal_name
     FROM datasets d JOIN organizations o ON o.id = d.organization_id WHERE (d.id = ?1 OR d.slug = ?1) AND o.is_active = 1`,
  ).bind(idOrSlug).first<{ id: string; slug: string; title: string; organization_id: string; published: number; creator_user_id: string | null; legal_name: string }>();
  if (!dataset) return null;
  const [resources, users, orgs] = await db.batch([
    db.prepare('SELECT id, title, access_level FROM resources WHERE dataset_id = ? ORDER BY position, created_at').bind(dataset.id),
    db.prepare('SELECT a.resource_id, a.user_id FROM resource_allowed_users a JOIN resources r ON r.id = a.resource_id WHERE r.dataset_id = ?').bind(dataset.id),
    db.prepare('SELECT a.resource_id, a.organization_id FROM resource_allowed_organizations a JOIN resources r ON r.id = a.resource_id WHERE r.dataset_id = ?').bind(dataset.id),
  ]);
  const facts: DatasetFacts = { organizationId: dataset.organization_id, published: dataset.published === 1, creatorUserId: dataset.creator_user_id };
  const userRows = users!.results as Array<{ resource_id: string; user_id: string }>;
  const orgRows = orgs!.results as Array<{ resource_id: string; organization_id: string }>;
  return {
    id: dataset.id,
    slug: dataset.slug,
    title: dataset.title,
    organizationId: dataset.organization_id,
    organizationName: dataset.legal_name,
    facts,
    resources: (resources!.results as Array<{ id: string; title: string; access_level: AccessLevel }>).map((r) => ({
      id: r.id,
      title: r.title,
      accessLevel: r.access_level,
      facts: {
        accessLevel: r.access_level,
        allowedUserIds: userRows.filter((u) => u.resource_id === r.id).map((u) => u.user_id),
        allowedOrganizationIds: orgRows.filter((o) => o.resource_id === r.id).map((o) => o.organization_id),
        dataset: facts,
      },
    })),
  };
}

/** The resources of the dataset this user may not download yet: what a request can be about. */
export const lockedResources = (actor: SignedIn, dataset: RequestableDataset): RequestableResource[] =>
  dataset.resources.filter((r) => !can(actor, { action: 'resource:download', resource: r.facts }));

export interface AccessRequestRow {
  id: string;
  dataset_id: string;
  dataset_slug: string;
  dataset_title: string;
  organization_id: string;
  organization_name: string;
  dataset_published: number;
  dataset_creator: string | null;
  resource_id: string | null;
  resource_title: string | null;
  requester_id: string;
  requester_username: string;
  requester_name: string;
  requester_email: string;
  reason: string;
  status: 'pending' | 'granted' | 'refused';
  granted_to: 'user' | 'organization' | null;
  granted_organization_name: string | null;
  decision_message: string | null;
  created_at: string;
  decided_at: string | null;
}

const SELECT_REQUEST = `SELECT a.id, a.dataset_id, d.slug AS dataset_slug, d.title AS dataset_title, d.organization_id,
    o.legal_name AS organization_name, d.published AS dataset_published, d.creator_user_id AS dataset_creator, a.resource_id,
    r.title AS resource_title, a.requester_id, u.username AS requester_username,
    trim(u.first_name || ' ' || u.last_name) AS requester_name, u.email AS requester_email, a.reason, a.status, a.granted_to,
    go.legal_name AS granted_organization_name, a.decision_message, a.created_at, a.decided_at
  FROM access_requests a JOIN datasets d ON d.id = a.dataset_id JOIN organizations o ON o.id = d.organization_id
  JOIN users u ON u.id = a.requester_id LEFT JOIN resources r ON r.id = a.resource_id
  LEFT JOIN organizations go ON go.id = a.granted_organization_id`;

export const requestDatasetFacts = (row: AccessRequestRow): DatasetFacts =>
  ({ organizationId: row.organization_id, published: row.dataset_published === 1, creatorUserId: row.dataset_creator });

export async function findAccessRequest(db: D1Database, id: string): Promise<AccessRequestRow | null> {
  return db.prepare(`${SELECT_REQUEST} WHERE a.id = ?`).bind(id).first<AccessRequestRow>();
}

export async function requestsBy(db: D1Database, userId: string): Promise<AccessRequestRow[]> {
  return (await db.prepare(`${SELECT_REQUEST} WHERE a.requester_id = ? ORDER BY a.created_at DESC LIMIT 200`).bind(userId).all<AccessRequestRow>()).results;
}

/** Pending requests the actor may decide: those on datasets of organisations they manage (all, for administrators). */
export async function requestsToDecide(db: D1Database, actor: SignedIn): Promise<AccessRequestRow[]> {
  const organizations = [...new Set(actor.memberships.filter((m) => m.role !== 'member').map((m) => m.organizationId))];
  if (!actor.isAdmin && organizations.length === 0) return [];
  const rows = actor.isAdmin
    ? await db.prepare(`${SELECT_REQUEST} WHERE a.status = 'pending' ORDER BY a.created_at LIMIT 500`).all<AccessRequestRow>()
    : await db.prepare(`${SELECT_REQUEST} WHERE a.status = 'pending' AND d.organization_id IN (${organizations.map(() => '?').join(',')}) ORDER BY a.created_at LIMIT 500`)
      .bind(...organizations).all<AccessRequestRow>();
  return rows.results.filter((row) => can(actor, { action: 'access-request:decide', dataset: requestDatasetFacts(row) }));
}

export async function hasPendingRequest(db: D1Database, userId: string, datasetId: string, resourceId: string | null): Promise<boolean> {
  const row = await db.prepare(
    "SELECT 1 FROM access_requests WHERE requester_id = ? AND dataset_id = ? AND resource_id IS ? AND status = 'pending'",
  ).bind(userId, datasetId, resourceId).first();
  return row !== null;
}

export async function createAccessRequest(env: Env, actor: SignedIn, dataset: RequestableDataset, resourceId: string | null, reason: string, now = new Date()): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.batch([
    env.DB.prepare('INSERT INTO access_requests (id, dataset_id, resource_id, requester_id, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .bind(id, dataset.id, resourceId, actor.id, reason, now.toISOString()),
    auditStatement(env.DB, actor, 'access-request.create', { type: 'access_request', id }, { datasetId: dataset.id, resourceId }),
  ]);
  return id;
}

/** Contributeurs and référents of the organisation (confirmed accounts): who hears of a new request. */
export async function organizationManagerEmails(db: D1Database, organizationId: string): Promise<string[]> {
  const rows = await db.prepare(
    `SELECT DISTINCT u.email FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.organization_id = ? AND m.role IN ('contributor', 'referent') AND u.email_confirmed_at IS NOT NULL ORDER BY u.email`,
  ).bind(organizationId).all<{ email: string }>();
  return rows.results.map((r) => r.email);
}

export async function requesterOrganizations(db: D1Database, userId: string): Promise<Array<{ id: string; legal_name: string }>> {
  return (await db.prepare(
    `SELECT DISTINCT o.id, o.legal_name FROM memberships m JOIN organizations o ON o.id = m.organization_id
     WHERE m.user_id = ? AND o.is_active = 1 ORDER BY o.legal_name`,
  ).bind(userId).all<{ id: string; legal_name: string }>()).results;
}

export type Decision =
  | { grant: true; to: 'user' }
  | { grant: true; to: 'organization'; organizationId: string }
  | { grant: false };

/**
 * Records the decision; a grant adds the user (or organisation) to the allowed lists of the resource asked for, or
 * of every restricted resource of the dataset. The status check in the UPDATE settles two deciders at once.
 */
export async function decideAccessRequest(env: Env, actor: SignedIn, row: AccessRequestRow, decision: Decision, message: string, now = new Date()): Promise<boolean> {
  const db = env.DB;
  const status = decision.grant ? 'granted' : 'refused';
  const update = await db.prepare(
    `UPDATE access_requests SET status = ?, granted_to = ?, granted_organization_id = ?, decided_by = ?, decision_message = ?, decided_at = ?
     WHERE id = ? AND status = 'pending'`,
  ).bind(status, decision.grant ? decision.to : null, decision.grant && decision.to === 'organization' ? decision.organizationId : null,
    actor.id, message || null, now.toISOString(), row.id).run();
  if (update.meta.changes !== 1) return false;
  const statements = [auditStatement(db, actor, `access-request.${status}`, { type: 'access_request', id: row.id },
    { datasetId: row.dataset_id, resourceId: row.resource_id, to: decision.grant ? decision.to : null })];
  if (decision.grant) {
    const resources = row.resource_id
      ? [row.resource_id]
      : (await db.prepare("SELECT id FROM resources WHERE dataset_id = ? AND access_level <> 'public'").bind(row.dataset_id).all<{ id: string }>()).results.map((r) => r.id);
    for (const resourceId of resources) {
      statements.push(decision.to === 'user'
        ? db.prepare('INSERT OR IGNORE INTO resource_allowed_users (resource_id, user_id) VALUES (?, ?)').bind(resourceId, row.requester_id)
        : db.prepare('INSERT OR IGNORE INTO resource_allowed_organizations (resource_id, organization_id) VALUES (?, ?)').bind(resourceId, decision.organizationId));
    }
    // Other channels (CKAN API, DCAT) keep the catalogue until the next change: the grant is one.
    if (row.dataset_published === 1) statements.push(changeStatement(db, 'access.grant', { type: 'dataset', id: row.dataset_id }, now));
  }
  const results = await db.batch(statements);
  if (decision.grant && row.dataset_published === 1) await publishChange(env, results[results.length - 1]!);
  return true;
}
