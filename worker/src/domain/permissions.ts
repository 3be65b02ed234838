// Every permission decision of the portal goes through `can()`. Channels (static build, downloads,
// APIs, OGC services…) describe who asks and what for; they never decide by themselves.
import type { AccessLevel } from './vocabulary';

export type Role = 'member' | 'contributor' | 'referent';

export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'operator' } // the portal's own tooling holding the operator token (import, snapshot)
  | {
      kind: 'user';
      id: string;
      username?: string;
      isAdmin: boolean;
      /** Signed in with a read-only API token: may read what the user may read, never write. */
      readOnly?: boolean;
      memberships: ReadonlyArray<{ organizationId: string; role: Role }>;
    };

export const ANONYMOUS: Actor = { kind: 'anonymous' };

export interface DatasetFacts {
  organizationId: string;
  published: boolean;
  /** Who created it: a contributeur edits the datasets they created, a référent all of the organisation's. */
  creatorUserId?: string | null;
}

export interface ResourceFacts {
  accessLevel: AccessLevel;
  allowedUserIds: readonly string[];
  allowedOrganizationIds: readonly string[];
  dataset: DatasetFacts;
}

/** A role or organisation request, as the validation queue sees it. */
export interface RequestFacts {
  kind: 'member' | 'contributor' | 'referent' | 'organization';
  organizationId: string;
  requesterId: string;
  /** Whether the organisation has a validated référent: without one, administrators decide everything. */
  organizationHasReferent: boolean;
}

/** A role held by someone, as revocation sees it. */
export interface RoleFacts {
  userId: string;
  organizationId: string;
  role: Role;
  /** The holder is a platform administrator: only another administrator may take their roles. */
  holderIsAdmin: boolean;
}

/** A réutilisation, as editing sees it. */
export interface ShowcaseFacts {
  authorUserId: string | null;
}

export type Permission =
  | { action: 'dataset:view'; dataset: DatasetFacts }
  | { action: 'resource:download'; resource: ResourceFacts }
  | { action: 'dataset:create'; organizationId: string }
  | { action: 'dataset:edit'; dataset: DatasetFacts }
  | { action: 'dataset:delete'; dataset: DatasetFacts }
  | { action: 'resource:set-access'; dataset: DatasetFacts }
  | { action: 'organization:manage'; organizationId: string }
  | { action: 'organization:view-members'; organizationId: string }
  | { action: 'request:decide'; request: RequestFacts }
  | { action: 'role:revoke'; role: RoleFacts }
  | { action: 'access-request:decide'; dataset: DatasetFacts }
  | { action: 'showcase:edit'; showcase: ShowcaseFacts }
  | { action: 'content:moderate' }
  | { action: 'admin:console' }
  | { action: 'webmail:grant-exception' }
  | { action: 'catalogue:import' }
  | { action: 'catalogue:export' };

/** Actions that change nothing: the only ones a read-only API token may perform. */
const READ_ACTIONS: ReadonlySet<Permission['action']> = new Set(['dataset:view', 'resource:download', 'catalogue:export', 'organization:view-members']);

function rolesIn(actor: Actor, organizationId: string): Role[] {
  if (actor.kind !== 'user') return [];
  return actor.memberships.filter((m) => m.organizationId === organizationId).map((m) => m.role);
}

/** Contributors and référents of the organisation, and administrators, see its drafts and every file. */
function manages(actor: Actor, dataset: DatasetFacts): boolean {
  if (actor.kind === 'operator') return true;
  if (actor.kind !== 'user') return false;
  if (actor.isAdmin) return true;
  const roles = rolesIn(actor, dataset.organizationId);
  return roles.includes('referent') || roles.includes('contributor');
}

function canView(actor: Actor, dataset: DatasetFacts): boolean {
  return dataset.published || manages(actor, dataset);
}

function canDownload(actor: Actor, resource: ResourceFacts): boolean {
  if (!canView(actor, resource.dataset)) return false;
  if (manages(actor, resource.dataset)) return true;
  switch (resource.accessLevel) {
    case 'public':
      return true;
    case 'registered':
      return actor.kind === 'user';
    case 'listed_users':
    case 'listed_organizations':
      return granted(actor, resource);
    case 'same_organization':
      return rolesIn(actor, resource.dataset.organizationId).length > 0 || granted(actor, resource);
  }
}

/**
 * The allowed users and organisations are explicit grants (set in the resource form, or by granting an access
 * request to a user or to their organisation): they open every restricted level, so a granted request works
 * whatever the level the producer chose.
 */
function granted(actor: Actor, resource: ResourceFacts): boolean {
  if (actor.kind !== 'user') return false;
  return resource.allowedUserIds.includes(actor.id) || resource.allowedOrganizationIds.some((org) => rolesIn(actor, org).length > 0);
}

const isAdmin = (actor: Actor) => actor.kind === 'user' && actor.isAdmin;

function isReferentOf(actor: Actor, organizationId: string): boolean {
  return rolesIn(actor, organizationId).includes('referent');
}

/**
 * A référent (or an administrator) edits and deletes every dataset of the organisation and sets their access
 * levels; a contributeur does so for the datasets they created, while they are still contributeur there.
 */
function canEdit(actor: Actor, dataset: DatasetFacts): boolean {
  if (actor.kind !== 'user') return false;
  if (actor.isAdmin || isReferentOf(actor, dataset.organizationId)) return true;
  return rolesIn(actor, dataset.organizationId).includes('contributor') && !!dataset.creatorUserId && dataset.creatorUserId === actor.id;
}

/**
 * Référents decide membership and contributeur requests of their organisation; administrators decide référent
 * and organisation requests, and anything in an organisation without référent. Nobody decides their own request
 * unless they are an administrator.
 */
function canDecide(actor: Actor, request: RequestFacts): boolean {
  if (actor.kind !== 'user') return false;
  if (actor.isAdmin) return true;
  if (actor.id === request.requesterId) return false;
  if (request.kind !== 'member' && request.kind !== 'contributor') return false;
  return request.organizationHasReferent && isReferentOf(actor, request.organizationId);
}

/** Users drop their own roles; référents remove members and contributeurs (not référents, not administrators). */
function canRevoke(actor: Actor, role: RoleFacts): boolean {
  if (actor.kind !== 'user') return false;
  if (actor.isAdmin || actor.id === role.userId) return true;
  return role.role !== 'referent' && !role.holderIsAdmin && isReferentOf(actor, role.organizationId);
}

export function can(actor: Actor, permission: Permission): boolean {
  if (actor.kind === 'user' && actor.readOnly && !READ_ACTIONS.has(permission.action)) return false;
  switch (permission.action) {
    case 'dataset:view':
      return canView(actor, permission.dataset);
    case 'resource:download':
      return canDownload(actor, permission.resource);
    case 'dataset:create':
      return isAdmin(actor) || rolesIn(actor, permission.organizationId).some((r) => r === 'contributor' || r === 'referent');
    case 'dataset:edit':
    case 'dataset:delete':
    case 'resource:set-access':
      return canEdit(actor, permission.dataset);
    case 'organization:manage':
      return isAdmin(actor) || isReferentOf(actor, permission.organizationId);
    // Who else belongs to the organisation (CKAN's organization_show users) is for its own people and administrators.
    case 'organization:view-members':
      return isAdmin(actor) || rolesIn(actor, permission.organizationId).length > 0;
    case 'request:decide':
      return canDecide(actor, permission.request);
    case 'role:revoke':
      return canRevoke(actor, permission.role);
    case 'access-request:decide':
      // Contributeurs and référents of the dataset's organisation (and administrators); never across organisations.
      return actor.kind === 'user' && manages(actor, permission.dataset);
    case 'showcase:edit':
      return actor.kind === 'user' && (actor.isAdmin || (!!permission.showcase.authorUserId && permission.showcase.authorUserId === actor.id));
    case 'content:moderate':
    case 'admin:console':
    case 'webmail:grant-exception':
      return isAdmin(actor);
    case 'catalogue:import':
    case 'catalogue:export':
      return actor.kind === 'operator' || isAdmin(actor);
  }
}
