import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { fileOrganizationRequest, fileRoleRequest } from '../../worker/src/store/role-requests';
import { createUser, postForm, signedInCookie } from './accounts-fixtures';
import { auditLog, createDataset, createOrganization, forgedPosts, getPage, rolesOf } from './admin-fixtures';

const organizationRow = (id: string) =>
  env.DB.prepare('SELECT is_active, email_domains FROM organizations WHERE id = ?').bind(id).first<{ is_active: number; email_domains: string }>();

describe('administration: organisation list', () => {
  it('lists every organisation, inactive ones first with their pending creation request and requester, with member and dataset counts', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const asker = await createUser({ username: 'demandeuse', email: 'demandeuse@mairie-nouvelle.fr' });
    const active = await createOrganization({ legalName: 'Commune Active', domains: ['active.fr'] });
    await createUser({ username: 'membre', memberships: [{ organizationId: active, role: 'member' }, { organizationId: active, role: 'contributor' }] });
    await createUser({ username: 'autre', memberships: [{ organizationId: active, role: 'member' }] });
    await createDataset(active, 'jeu-un');
    await createDataset(active, 'jeu-deux');
    await createDataset(active, 'jeu-trois');
    await createOrganization({ legalName: 'Commune Désactivée', active: false });
    const created = await fileOrganizationRequest(env, asker, { legalName: 'Mairie Nouvelle', orgType: 'commune' }, 'Nous publions le PLU.');

    const page = await (await getPage('/admin/organizations', await signedInCookie(admin.id))).text();
    const rowOf = (name: string) => {
      const start = page.indexOf(`>${name}</a>`);
      return page.slice(start, page.indexOf('</tr>', start));
    };
    expect(page.indexOf('>Commune Désactivée</a>')).toBeLessThan(page.indexOf('>Commune Active</a>'));
    expect(page.indexOf('>Mairie Nouvelle</a>')).toBeLessThan(page.indexOf('>Commune Active</a>'));

    const waiting = rowOf('Mairie Nouvelle');
    expect(waiting).toContain('En attente de validation');
    expect(waiting).toContain(`<a href="/admin/users/${asker.id}">demandeuse</a> (demandeuse@mairie-nouvelle.fr)`);
    expect(waiting).toContain('Décider dans les demandes en attente');
    expect(waiting).not.toContain('>Activer<');

    const activeRow = rowOf('Commune Active');
    expect(activeRow).toMatch(/<td>Active<\/td>\s*<td>—<\/td>\s*<td>2<\/td>\s*<td>3<\/td>\s*<td>active\.fr<\/td>/);
    expect(activeRow).toContain('Désactiver<span class="sr-only"> Commune Active</span>');
    expect(rowOf('Commune Désactivée')).toContain('Activer<span class="sr-only"> Commune Désactivée</span>');

    const detail = await (await getPage(`/admin/organizations/${created.organizationId}`, await signedInCookie(admin.id))).text();
    expect(detail).toContain('<blockquote>Nous publions le PLU.</blockquote>');
    expect(detail).toContain(`href="/user/organizations/${created.organizationId}/members"`);
  });
});

describe('administration: activation', () => {
  it('deactivates an organisation: its data and roles stay, new requests are refused; activation lets them in again; both audited', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const organization = await createOrganization({ legalName: 'Commune Pause' });
    await createDataset(organization, 'jeu-garde');
    const member = await createUser({ username: 'membre', memberships: [{ organizationId: organization, role: 'member' }] });
    const asker = await createUser({ username: 'candidat' });
    const cookie = await signedInCookie(admin.id);

    const off = await postForm(`/admin/organizations/${organization}/active`, { active: '0' }, cookie);
    expect(off.status).toBe(303);
    expect(off.headers.get('location')).toBe('/admin/organizations?done=deactivated');
    expect((await organizationRow(organization))!.is_active).toBe(0);
    expect(await rolesOf(member.id, organization)).toEqual(['member']);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM datasets WHERE organization_id = ?').bind(organization).first()).toEqual({ n: 1 });
    expect(await fileRoleRequest(env, asker, organization, ['member'])).toEqual({ ok: false, problem: 'roles.organizationUnknown' });

    const on = await postForm(`/admin/organizations/${organization}/active`, { active: '1', back: 'detail' }, cookie);
    expect(on.headers.get('location')).toBe(`/admin/organizations/${organization}?done=activated`);
    expect((await fileRoleRequest(env, asker, organization, ['member'])).ok).toBe(true);
    expect((await auditLog()).map((e) => [e.action, e.object_type, e.object_id])).toEqual([
      ['organization.deactivate', 'organization', organization],
      ['organization.activate', 'organization', organization],
    ]);
  });

  it('does not activate an organisation whose creation request awaits a decision: the request decides', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const asker = await createUser({ username: 'demandeuse' });
    const created = await fileOrganizationRequest(env, asker, { legalName: 'Mairie En Attente', orgType: 'commune' });
    const response = await postForm(`/admin/organizations/${created.organizationId}/active`, { active: '1' }, await signedInCookie(admin.id));
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('acceptez ou refusez la demande dans les demandes en attente');
    expect((await organizationRow(created.organizationId!))!.is_active).toBe(0);
    expect(await auditLog()).toEqual([]);
  });

  it('refuses to deactivate an organisation twice', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const organization = await createOrganization({ legalName: 'Commune Éteinte', active: false });
    const response = await postForm(`/admin/organizations/${organization}/active`, { active: '0' }, await signedInCookie(admin.id));
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('Cette organisation est déjà désactivée.');
    expect(await auditLog()).toEqual([]);
  });
});

describe('administration: organisation mail domains', () => {
  it('saves the domains typed one per line, normalised and deduplicated, audited with the previous ones', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const organization = await createOrganization({ legalName: 'Département Test', domains: ['ancien.fr'] });
    const response = await postForm(`/admin/organizations/${organization}/domains`, { domains: '@Herault.fr\nmontpellier.fr, herault.fr' },
      await signedInCookie(admin.id));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/admin/organizations/${organization}?done=domains`);
    expect(JSON.parse((await organizationRow(organization))!.email_domains)).toEqual(['herault.fr', 'montpellier.fr']);
    expect(await auditLog()).toEqual([{ actor: admin.id, action: 'organization.domains', object_type: 'organization', object_id: organization,
      detail: { domains: ['herault.fr', 'montpellier.fr'], previousDomains: ['ancien.fr'] } }]);
  });

  it('lets addresses at a webmail domain the organisation owns through the personal e-mail rule', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const organization = await createOrganization({ legalName: 'Opérateur Télécom' });
    const employee = await createUser({ username: 'salarie', email: 'salarie@orange.fr' });
    expect(await fileRoleRequest(env, employee, organization, ['member'])).toEqual({ ok: false, problem: 'roles.webmailRefused' });
    await postForm(`/admin/organizations/${organization}/domains`, { domains: 'orange.fr' }, await signedInCookie(admin.id));
    expect((await fileRoleRequest(env, employee, organization, ['member'])).ok).toBe(true);
  });

  it('refuses a malformed domain with the reason, keeps what was typed in the form and the previous domains in store', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const organization = await createOrganization({ legalName: 'Commune Stricte', domains: ['stricte.fr'] });
    const response = await postForm(`/admin/organizations/${organization}/domains`, { domains: 'stricte.fr\nexemple_invalide.fr' },
      await signedInCookie(admin.id));
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('« exemple_invalide.fr » n&#39;est pas un nom de domaine valide');
    expect(page).toContain('stricte.fr\nexemple_invalide.fr</textarea>');
    expect(JSON.parse((await organizationRow(organization))!.email_domains)).toEqual(['stricte.fr']);
    expect(await auditLog()).toEqual([]);
  });

  it('refuses forged activation and domain posts', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const organization = await createOrganization({ legalName: 'Commune Protégée' });
    const cookie = await signedInCookie(admin.id);
    const posts = [
      ...forgedPosts(`/admin/organizations/${organization}/active`, { active: '0' }, cookie),
      ...forgedPosts(`/admin/organizations/${organization}/domains`, { domains: 'protegee.fr' }, cookie),
    ];
    for (const response of await Promise.all(posts)) expect(response.status).toBe(403);
    expect(await organizationRow(organization)).toEqual({ is_active: 1, email_domains: '[]' });
    expect(await auditLog()).toEqual([]);
  });
});
