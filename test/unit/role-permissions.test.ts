// Permission matrix of roles: actor (role × organisation) × action. Each row says which actors may do it.
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, can, type Actor, type Permission, type Role } from '../../worker/src/domain/permissions';
import { requestsToFile, rolesAfterDropping, rolesGranted } from '../../worker/src/domain/role-requests';

const ORG = 'org-a';
const OTHER = 'org-b';
const WITHOUT_REFERENT = 'org-c';

const user = (id: string, roles: Array<[string, Role]> = [], extra: Partial<Extract<Actor, { kind: 'user' }>> = {}): Actor =>
  ({ kind: 'user', id, isAdmin: false, memberships: roles.map(([organizationId, role]) => ({ organizationId, role })), ...extra });

const member = (org: string): Array<[string, Role]> => [[org, 'member']];
const contributor = (org: string): Array<[string, Role]> => [[org, 'member'], [org, 'contributor']];
const referent = (org: string): Array<[string, Role]> => [[org, 'member'], [org, 'contributor'], [org, 'referent']];

const ACTORS = {
  anonymous: ANONYMOUS,
  operator: { kind: 'operator' },
  registered: user('u-registered'),
  memberA: user('u-member', member(ORG)),
  contributorA: user('u-contributor', contributor(ORG)),
  referentA: user('u-referent', referent(ORG)),
  referentB: user('u-referent-b', referent(OTHER)),
  admin: user('u-admin', [], { isAdmin: true }),
  adminReadOnlyToken: user('u-admin', [], { isAdmin: true, readOnly: true }),
  referentAReadOnlyToken: user('u-referent', referent(ORG), { readOnly: true }),
} satisfies Record<string, Actor>;

type ActorName = keyof typeof ACTORS;

const request = (kind: 'member' | 'contributor' | 'referent' | 'organization', organizationId = ORG, requesterId = 'u-requester') =>
  ({ action: 'request:decide', request: { kind, organizationId, requesterId, organizationHasReferent: organizationId !== WITHOUT_REFERENT } }) as const;

const revoke = (role: Role, userId = 'u-holder', holderIsAdmin = false) =>
  ({ action: 'role:revoke', role: { userId, organizationId: ORG, role, holderIsAdmin } }) as const;

const MATRIX: Array<[string, Permission, ActorName[]]> = [
  ['create a dataset in A', { action: 'dataset:create', organizationId: ORG }, ['contributorA', 'referentA', 'admin']],
  ['create a dataset in B', { action: 'dataset:create', organizationId: OTHER }, ['referentB', 'admin']],
  ['edit a dataset of A created by the contributeur', { action: 'dataset:edit', dataset: { organizationId: ORG, published: true, creatorUserId: 'u-contributor' } }, ['contributorA', 'referentA', 'admin']],
  ['edit a dataset of A created by someone else', { action: 'dataset:edit', dataset: { organizationId: ORG, published: true, creatorUserId: 'u-other' } }, ['referentA', 'admin']],
  ['delete a dataset of A created by someone else', { action: 'dataset:delete', dataset: { organizationId: ORG, published: false, creatorUserId: 'u-other' } }, ['referentA', 'admin']],
  ['delete a dataset of A they created', { action: 'dataset:delete', dataset: { organizationId: ORG, published: false, creatorUserId: 'u-contributor' } }, ['contributorA', 'referentA', 'admin']],
  ['set access levels on a dataset of A created by someone else', { action: 'resource:set-access', dataset: { organizationId: ORG, published: true, creatorUserId: null } }, ['referentA', 'admin']],
  ['edit a dataset of B', { action: 'dataset:edit', dataset: { organizationId: OTHER, published: true, creatorUserId: 'u-contributor' } }, ['referentB', 'admin']],
  ['manage organisation A', { action: 'organization:manage', organizationId: ORG }, ['referentA', 'admin']],
  ['accept a membership request in A', request('member'), ['referentA', 'admin']],
  ['accept a contributeur request in A', request('contributor'), ['referentA', 'admin']],
  ['accept a référent request in A', request('referent'), ['admin']],
  ['accept an organisation creation', request('organization'), ['admin']],
  ['accept a contributeur request in an organisation without référent', request('contributor', WITHOUT_REFERENT), ['admin']],
  ['accept their own contributeur request', request('contributor', ORG, 'u-referent'), ['admin']],
  ['remove a member of A', revoke('member'), ['referentA', 'admin']],
  ['remove a contributeur of A', revoke('contributor'), ['referentA', 'admin']],
  ['remove a référent of A', revoke('referent'), ['admin']],
  ['remove the contributeur role of an administrator', revoke('contributor', 'u-holder', true), ['admin']],
  ['drop their own contributeur role (or have it removed by the référent)', revoke('contributor', 'u-contributor'), ['contributorA', 'referentA', 'admin']],
  ['drop their own référent role', revoke('referent', 'u-referent'), ['referentA', 'admin']],
  ['open the administration console', { action: 'admin:console' }, ['admin']],
  ['grant a personal e-mail exception', { action: 'webmail:grant-exception' }, ['admin']],
  ['import a catalogue', { action: 'catalogue:import' }, ['operator', 'admin']],
  ['export the catalogue snapshot', { action: 'catalogue:export' }, ['operator', 'admin', 'adminReadOnlyToken']],
];

describe('can(): role permission matrix (actor × action × organisation)', () => {
  for (const [label, permission, allowed] of MATRIX) {
    for (const [name, actor] of Object.entries(ACTORS) as Array<[ActorName, Actor]>) {
      const expected = allowed.includes(name);
      it(`${name} ${expected ? 'may' : 'may not'} ${label}`, () => {
        expect(can(actor, permission)).toBe(expected);
      });
    }
  }
});

describe('role requests', () => {
  it('grants the role asked and every role below it', () => {
    expect(rolesGranted('member')).toEqual(['member']);
    expect(rolesGranted('contributor')).toEqual(['member', 'contributor']);
    expect(rolesGranted('referent')).toEqual(['member', 'contributor', 'referent']);
  });

  it('files one request for the highest role asked, and none for a role already held', () => {
    expect(requestsToFile(['member', 'contributor', 'referent'], [])).toEqual(['referent']);
    expect(requestsToFile(['member'], [])).toEqual(['member']);
    expect(requestsToFile(['contributor'], ['member'])).toEqual(['contributor']);
    expect(requestsToFile(['member', 'contributor'], ['member', 'contributor'])).toEqual([]);
    expect(requestsToFile([], [])).toEqual([]);
  });

  it('dropping a role drops the roles above it', () => {
    expect(rolesAfterDropping(['member', 'contributor', 'referent'], 'contributor')).toEqual(['member']);
    expect(rolesAfterDropping(['member', 'contributor', 'referent'], 'referent')).toEqual(['member', 'contributor']);
    expect(rolesAfterDropping(['member'], 'member')).toEqual([]);
  });
});
