// Requests for a role in an organisation, and what accepting one grants. Who may decide is in permissions.ts.
import type { Role } from './permissions';

export const REQUEST_KINDS = ['member', 'contributor', 'referent', 'organization'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export type RequestStatus = 'pending' | 'accepted' | 'refused' | 'cancelled';

const ROLE_RANK: Record<Role, number> = { member: 0, contributor: 1, referent: 2 };

/** Accepting a request grants its role and the ones below it (a référent is also contributeur and membre). */
export function rolesGranted(kind: RequestKind): Role[] {
  switch (kind) {
    case 'organization':
    case 'member':
      return ['member'];
    case 'contributor':
      return ['member', 'contributor'];
    case 'referent':
      return ['member', 'contributor', 'referent'];
  }
}

/**
 * The requests to file for the roles a user ticked: only the highest role asked (it implies the others) and
 * nothing the user already holds.
 */
export function requestsToFile(asked: readonly Exclude<RequestKind, 'organization'>[], held: readonly Role[]): Array<Exclude<RequestKind, 'organization'>> {
  const heldRank = Math.max(-1, ...held.map((r) => ROLE_RANK[r]));
  const highest = asked.reduce<Role | null>((best, kind) => (best === null || ROLE_RANK[kind] > ROLE_RANK[best] ? kind : best), null);
  if (highest === null || ROLE_RANK[highest] <= heldRank) return [];
  return [highest];
}

/** Roles left after a user drops one: dropping a role drops those above it too (no référent who is not contributeur). */
export function rolesAfterDropping(held: readonly Role[], dropped: Role): Role[] {
  return held.filter((role) => ROLE_RANK[role] < ROLE_RANK[dropped]);
}
