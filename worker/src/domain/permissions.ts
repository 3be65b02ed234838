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
}

export interface ResourceFacts {
  accessLevel: AccessLevel;
  allowedUserIds: readonly string[];
  allowedOrganizationIds: readonly string[];
  dataset: DatasetFacts;
}

export type Permission =
  | { action: 'dataset:view'; dataset: DatasetFacts }
  | { action: 'resource:download'; resource: ResourceFacts }
  | { action: 'catalogue:import' }
  | { action: 'catalogue:export' };

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
      return actor.kind === 'user' && resource.allowedUserIds.includes(actor.id);
    case 'listed_organizations':
      return actor.kind === 'user' && resource.allowedOrganizationIds.some((org) => rolesIn(actor, org).length > 0);
    case 'same_organization':
      return rolesIn(actor, resource.dataset.organizationId).length > 0;
  }
}

export function can(actor: Actor, permission: Permission): boolean {
  switch (permission.action) {
    case 'dataset:view':
      return canView(actor, permission.dataset);
    case 'resource:download':
      return canDownload(actor, permission.resource);
    case 'catalogue:import':
    case 'catalogue:export':
      return actor.kind === 'operator' || (actor.kind === 'user' && actor.isAdmin);
  }
}
