import { describe, expect, it } from 'vitest';
import type { Role } from '../../worker/src/domain/permissions';
import { createUser, postForm, signedInCookie } from './accounts-fixtures';
import { auditLog, createOrganization, forgedPosts, getPage, rolesOf } from './admin-fixtures';

const upTo = (organizationId: string, top: Role) =>
  (['member', 'contributor', 'referent'] as const).slice(0, ['member', 'contributor', 'referent'].indexOf(top) + 1)
    .map((role) => ({ organizationId, role }));

/** An organisation with a référent, a second référent, a contributeur, a member and an administrator who is a member. */
async function organizationWithMembers() {
  const organization = await createOrganization({ legalName: 'Commune Équipe' });
  return {
    organization,
    referent: await createUser({ username: 'referente', memberships: upTo(organization, 'referent') }),
    otherReferent: await createUser({ username: 'second-referent', memberships: upTo(organization, 'referent') }),
    contributor: await createUser({ username: 'contributeur', memberships: upTo(organization, 'contributor') }),
    member: await createUser({ username: 'membre', memberships: upTo(organization, 'member') }),
    admin: await createUser({ username: 'admin-membre', isAdmin: true, memberships: upTo(organization, 'member') }),
  };
}

const membersPath = (organization: string) => `/user/organizations/${organization}/members`;
const removePath = (organization: string) => `/user/organizations/${organization}/members/remove`;
const removeButton = (role: string, username: string) => `Retirer<span class="sr-only"> le statut ${role} de ${username}</span>`;

describe('organisation members page', () => {
  it('shows a référent every member with their roles, and a remove button only where the référent may remove', async () => {
    const team = await organizationWithMembers();
    const response = await getPage(membersPath(team.organization), await signedInCookie(team.referent.id));
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<h1>Membres de Commune Équipe</h1>');
    for (const username of ['referente', 'second-referent', 'contributeur', 'membre', 'admin-membre']) expect(page).toContain(username);
    expect(page).toContain(removeButton('Contributeur', 'contributeur'));
    expect(page).toContain(removeButton('Membre', 'contributeur'));
    expect(page).toContain(removeButton('Membre', 'membre'));
    expect(page).not.toContain(removeButton('Référent', 'second-referent'));
    // Removing membre or contributeur would take référent with it: not offered either.
    expect(page).not.toContain(removeButton('Membre', 'second-referent'));
    expect(page).not.toContain(removeButton('Membre', 'admin-membre'));
    expect(page).toContain('admin-membre <span class="muted">(administrateur)</span>');
  });

  it('lets a référent remove a contributeur’s role, audited as a revocation', async () => {
    const team = await organizationWithMembers();
    const response = await postForm(removePath(team.organization), { userId: team.contributor.id, role: 'contributor' },
      await signedInCookie(team.referent.id));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${membersPath(team.organization)}?done=removed`);
    expect(await rolesOf(team.contributor.id, team.organization)).toEqual(['member']);
    expect(await auditLog()).toEqual([{ actor: team.referent.id, action: 'role.revoke', object_type: 'user', object_id: team.contributor.id,
      detail: { organizationId: team.organization, roles: ['contributor'] } }]);
  });

  it('refuses a référent’s forged removal of another référent or of an administrator, and changes nothing', async () => {
    const team = await organizationWithMembers();
    const cookie = await signedInCookie(team.referent.id);
    const referent = await postForm(removePath(team.organization), { userId: team.otherReferent.id, role: 'referent' }, cookie);
    expect(referent.status).toBe(403);
    expect(await referent.text()).toContain("Vous n&#39;avez pas les droits nécessaires");
    const admin = await postForm(removePath(team.organization), { userId: team.admin.id, role: 'member' }, cookie);
    expect(admin.status).toBe(403);
    expect(await rolesOf(team.otherReferent.id, team.organization)).toEqual(['contributor', 'member', 'referent']);
    expect(await rolesOf(team.admin.id, team.organization)).toEqual(['member']);
    expect(await auditLog()).toEqual([]);
  });

  it('lets an administrator remove a référent', async () => {
    const team = await organizationWithMembers();
    const cookie = await signedInCookie(team.admin.id);
    const page = await (await getPage(membersPath(team.organization), cookie)).text();
    expect(page).toContain(removeButton('Référent', 'second-referent'));
    const response = await postForm(removePath(team.organization), { userId: team.otherReferent.id, role: 'referent' }, cookie);
    expect(response.status).toBe(303);
    expect(await rolesOf(team.otherReferent.id, team.organization)).toEqual(['contributor', 'member']);
  });

  it('sends a référent who drops their own référent role back to their organisations', async () => {
    const team = await organizationWithMembers();
    const response = await postForm(removePath(team.organization), { userId: team.referent.id, role: 'referent' }, await signedInCookie(team.referent.id));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/user/organizations');
    expect((await auditLog()).map((e) => e.action)).toEqual(['role.drop']);
  });

  it('is closed to a contributeur, to a référent of another organisation and to anonymous visitors', async () => {
    const team = await organizationWithMembers();
    const elsewhere = await createOrganization({ legalName: 'Autre Commune' });
    const outsider = await createUser({ username: 'referent-ailleurs', memberships: upTo(elsewhere, 'referent') });
    for (const user of [team.contributor, outsider]) {
      const cookie = await signedInCookie(user.id);
      expect((await getPage(membersPath(team.organization), cookie)).status, user.username).toBe(403);
      const post = await postForm(removePath(team.organization), { userId: team.member.id, role: 'member' }, cookie);
      expect(post.status, user.username).toBe(403);
    }
    const anonymous = await getPage(membersPath(team.organization));
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/user/login?next=${encodeURIComponent(membersPath(team.organization))}`);
    expect(await rolesOf(team.member.id, team.organization)).toEqual(['member']);
    expect(await auditLog()).toEqual([]);
  });

  it('refuses removals posted cross-site or without the CSRF token', async () => {
    const team = await organizationWithMembers();
    const cookie = await signedInCookie(team.referent.id);
    for (const response of await Promise.all(forgedPosts(removePath(team.organization), { userId: team.member.id, role: 'member' }, cookie))) {
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('ne vient pas de ce site');
    }
    expect(await rolesOf(team.member.id, team.organization)).toEqual(['member']);
    expect(await auditLog()).toEqual([]);
  });
});
