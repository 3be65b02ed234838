import { describe, expect, it } from 'vitest';
import { ANONYMOUS, can, type Actor, type ResourceFacts } from '../../worker/src/domain/permissions';
import { ACCESS_LEVELS, type AccessLevel } from '../../worker/src/domain/vocabulary';

const OWNER_ORG = 'org-owner';
const PARTNER_ORG = 'org-partner';

const user = (id: string, memberships: { organizationId: string; role: 'member' | 'contributor' | 'referent' }[] = [], isAdmin = false): Actor =>
  ({ kind: 'user', id, isAdmin, memberships });

const ACTORS: Record<string, Actor> = {
  anonymous: ANONYMOUS,
  registered: user('u-registered'),
  listedUser: user('u-listed'),
  memberOfOwner: user('u-member', [{ organizationId: OWNER_ORG, role: 'member' }]),
  contributorOfOwner: user('u-contrib', [{ organizationId: OWNER_ORG, role: 'contributor' }]),
  referentOfOwner: user('u-referent', [{ organizationId: OWNER_ORG, role: 'referent' }]),
  memberOfPartner: user('u-partner', [{ organizationId: PARTNER_ORG, role: 'member' }]),
  admin: user('u-admin', [], true),
  operator: { kind: 'operator' },
};

// Expected download rights of a published dataset's resource: actor → levels allowed.
const ALLOWED: Record<string, AccessLevel[]> = {
  anonymous: ['public'],
  registered: ['public', 'registered'],
  // The allowed lists are explicit grants (resource form, granted access requests): they open every restricted level.
  listedUser: ['public', 'registered', 'listed_users', 'listed_organizations', 'same_organization'],
  memberOfOwner: ['public', 'registered', 'same_organization'],
  contributorOfOwner: [...ACCESS_LEVELS],
  referentOfOwner: [...ACCESS_LEVELS],
  memberOfPartner: ['public', 'registered', 'listed_users', 'listed_organizations', 'same_organization'],
  admin: [...ACCESS_LEVELS],
  operator: [...ACCESS_LEVELS],
};

const resource = (accessLevel: AccessLevel, published = true): ResourceFacts => ({
  accessLevel,
  allowedUserIds: ['u-listed'],
  allowedOrganizationIds: [PARTNER_ORG],
  dataset: { organizationId: OWNER_ORG, published },
});

describe('can(): resource download matrix (actor × access level)', () => {
  for (const [name, actor] of Object.entries(ACTORS)) {
    for (const level of ACCESS_LEVELS) {
      const expected = ALLOWED[name]!.includes(level);
      it(`${name} ${expected ? 'may' : 'may not'} download a ${level} resource`, () => {
        expect(can(actor, { action: 'resource:download', resource: resource(level) })).toBe(expected);
      });
    }
  }
});

describe('can(): drafts', () => {
  const draft = { organizationId: OWNER_ORG, published: false };
  it('hides a draft dataset from visitors, members and other organisations', () => {
    for (const name of ['anonymous', 'registered', 'memberOfOwner', 'memberOfPartner']) {
      expect(can(ACTORS[name]!, { action: 'dataset:view', dataset: draft }), name).toBe(false);
    }
  });
  it('shows a draft dataset to its organisation’s contributors and référents and to administrators', () => {
    for (const name of ['contributorOfOwner', 'referentOfOwner', 'admin']) {
      expect(can(ACTORS[name]!, { action: 'dataset:view', dataset: draft }), name).toBe(true);
    }
  });
  it('never lets anyone outside the organisation download a public file of a draft', () => {
    expect(can(ANONYMOUS, { action: 'resource:download', resource: resource('public', false) })).toBe(false);
    expect(can(ACTORS.memberOfPartner!, { action: 'resource:download', resource: resource('listed_organizations', false) })).toBe(false);
  });
});

describe('can(): catalogue operations', () => {
  it('reserves import and export of the whole catalogue to the operator and administrators', () => {
    for (const [name, actor] of Object.entries(ACTORS)) {
      const expected = name === 'operator' || name === 'admin';
      expect(can(actor, { action: 'catalogue:import' }), name).toBe(expected);
      expect(can(actor, { action: 'catalogue:export' }), name).toBe(expected);
    }
  });
});

describe('can(): an organisation\'s member list', () => {
  const EXPECTED: Record<string, boolean> = {
    anonymous: false, registered: false, listedUser: false, memberOfOwner: true, contributorOfOwner: true, referentOfOwner: true,
    memberOfPartner: false, admin: true, operator: false,
  };
  for (const [name, actor] of Object.entries(ACTORS)) {
    it(`${name} ${EXPECTED[name] ? 'sees' : 'does not see'} the members of the owner organisation`, () => {
      expect(can(actor, { action: 'organization:view-members', organizationId: OWNER_ORG })).toBe(EXPECTED[name]);
    });
  }
  it('is a reading: a read-only token of a member still sees them', () => {
    const readOnly: Actor = { kind: 'user', id: 'u-ro', isAdmin: false, readOnly: true, memberships: [{ organizationId: OWNER_ORG, role: 'member' }] };
    expect(can(readOnly, { action: 'organization:view-members', organizationId: OWNER_ORG })).toBe(true);
    expect(can(readOnly, { action: 'dataset:create', organizationId: OWNER_ORG })).toBe(false);
  });
});
