// Permissions of participation (issue 5): deciding access requests, editing réutilisations, moderating content,
// and what a granted request opens. Matrix style: each row says which actors may do it.
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, can, type Actor, type Permission, type Role } from '../../worker/src/domain/permissions';
import { ACCESS_LEVELS } from '../../worker/src/domain/vocabulary';

const ORG = 'org-a';
const OTHER = 'org-b';

const user = (id: string, roles: Array<[string, Role]> = [], extra: Partial<Extract<Actor, { kind: 'user' }>> = {}): Actor =>
  ({ kind: 'user', id, isAdmin: false, memberships: roles.map(([organizationId, role]) => ({ organizationId, role })), ...extra });

const ACTORS = {
  anonymous: ANONYMOUS,
  operator: { kind: 'operator' },
  registered: user('u-registered'),
  memberA: user('u-member', [[ORG, 'member']]),
  contributorA: user('u-contributor', [[ORG, 'member'], [ORG, 'contributor']]),
  referentA: user('u-referent', [[ORG, 'member'], [ORG, 'referent']]),
  referentB: user('u-referent-b', [[OTHER, 'member'], [OTHER, 'referent']]),
  author: user('u-author'),
  admin: user('u-admin', [], { isAdmin: true }),
  referentAReadOnlyToken: user('u-referent', [[ORG, 'referent']], { readOnly: true }),
  authorReadOnlyToken: user('u-author', [], { readOnly: true }),
} satisfies Record<string, Actor>;

type ActorName = keyof typeof ACTORS;

const MATRIX: Array<[string, Permission, ActorName[]]> = [
  ['decide an access request on a dataset of A', { action: 'access-request:decide', dataset: { organizationId: ORG, published: true, creatorUserId: 'u-other' } }, ['contributorA', 'referentA', 'admin']],
  ['decide an access request on a draft of A', { action: 'access-request:decide', dataset: { organizationId: ORG, published: false } }, ['contributorA', 'referentA', 'admin']],
  ['decide an access request on a dataset of B (across organisations)', { action: 'access-request:decide', dataset: { organizationId: OTHER, published: true } }, ['referentB', 'admin']],
  ['edit a réutilisation they declared', { action: 'showcase:edit', showcase: { authorUserId: 'u-author' } }, ['author', 'admin']],
  ['edit a réutilisation whose author left', { action: 'showcase:edit', showcase: { authorUserId: null } }, ['admin']],
  ['moderate reported content', { action: 'content:moderate' }, ['admin']],
];

describe('can(): participation matrix (actor × action)', () => {
  for (const [label, permission, allowed] of MATRIX) {
    for (const [name, actor] of Object.entries(ACTORS) as Array<[ActorName, Actor]>) {
      const expected = allowed.includes(name);
      it(`${name} ${expected ? 'may' : 'may not'} ${label}`, () => {
        expect(can(actor, permission)).toBe(expected);
      });
    }
  }
});

describe('can(): a granted access request opens the download at every restricted level', () => {
  const requester = user('u-requester', [[OTHER, 'member']]);
  const colleague = user('u-colleague', [[OTHER, 'member']]);
  const stranger = user('u-stranger');
  const resource = (accessLevel: (typeof ACCESS_LEVELS)[number], allowedUserIds: string[] = [], allowedOrganizationIds: string[] = []) =>
    ({ action: 'resource:download', resource: { accessLevel, allowedUserIds, allowedOrganizationIds, dataset: { organizationId: ORG, published: true } } }) as const;

  for (const level of ['listed_users', 'listed_organizations', 'same_organization'] as const) {
    it(`${level}: refused before, granted to the user after; the colleague and a stranger stay refused`, () => {
      expect(can(requester, resource(level))).toBe(false);
      expect(can(requester, resource(level, ['u-requester']))).toBe(true);
      expect(can(colleague, resource(level, ['u-requester']))).toBe(false);
      expect(can(stranger, resource(level, ['u-requester']))).toBe(false);
    });
    it(`${level}: granted to the user's organisation opens it to every member of it, not to others`, () => {
      expect(can(requester, resource(level, [], [OTHER]))).toBe(true);
      expect(can(colleague, resource(level, [], [OTHER]))).toBe(true);
      expect(can(stranger, resource(level, [], [OTHER]))).toBe(false);
      expect(can(ANONYMOUS, resource(level, [], [OTHER]))).toBe(false);
    });
  }
  it('a grant never opens a draft', () => {
    const draft = { action: 'resource:download', resource: { accessLevel: 'listed_users', allowedUserIds: ['u-requester'], allowedOrganizationIds: [], dataset: { organizationId: ORG, published: false } } } as const;
    expect(can(requester, draft)).toBe(false);
  });
});
