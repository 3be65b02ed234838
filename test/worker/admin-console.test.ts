import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { fileOrganizationRequest, fileRoleRequest } from '../../worker/src/store/role-requests';
import { createUser, postForm, signedInCookie } from './accounts-fixtures';
import { auditLog, createOrganization, getPage } from './admin-fixtures';

describe('administration console: who may enter', () => {
  it('sends anonymous visitors to sign-in and refuses non-administrators on every console page', async () => {
    const organization = await createOrganization({ legalName: 'Commune A' });
    const referent = await createUser({ username: 'referente', memberships: [
      { organizationId: organization, role: 'member' }, { organizationId: organization, role: 'contributor' }, { organizationId: organization, role: 'referent' },
    ] });
    const cookie = await signedInCookie(referent.id);
    const pages = ['/admin', '/admin/users', `/admin/users/${referent.id}`, '/admin/organizations', `/admin/organizations/${organization}`, '/admin/audit'];
    for (const path of pages) {
      const anonymous = await getPage(path);
      expect(anonymous.status, path).toBe(303);
      expect(anonymous.headers.get('location'), path).toBe(`/user/login?next=${encodeURIComponent(path)}`);
      const refused = await getPage(path, cookie);
      expect(refused.status, path).toBe(403);
      expect(await refused.text(), path).toContain("Vous n&#39;avez pas les droits nécessaires");
    }
  });

  it('refuses every console action to a non-administrator and changes nothing', async () => {
    const organization = await createOrganization({ legalName: 'Commune B' });
    const target = await createUser({ username: 'cible', email: 'cible@gmail.com', memberships: [{ organizationId: organization, role: 'member' }] });
    const contributor = await createUser({ username: 'contributrice', memberships: [
      { organizationId: organization, role: 'member' }, { organizationId: organization, role: 'contributor' },
    ] });
    const cookie = await signedInCookie(contributor.id);
    const posts: Array<[string, Record<string, string>]> = [
      [`/admin/users/${target.id}/roles/remove`, { organizationId: organization, role: 'member' }],
      [`/admin/users/${target.id}/administrator`, { administrator: '1' }],
      [`/admin/users/${target.id}/webmail-exceptions`, { organizationId: organization, reason: 'Agent de la commune' }],
      [`/admin/users/${target.id}/sessions/revoke`, {}],
      [`/admin/organizations/${organization}/active`, { active: '0' }],
      [`/admin/organizations/${organization}/domains`, { domains: 'commune-b.fr' }],
    ];
    await signedInCookie(target.id);
    for (const [path, fields] of posts) expect((await postForm(path, fields, cookie)).status, path).toBe(403);
    expect(await auditLog()).toEqual([]);
    const state = await env.DB.prepare(
      `SELECT (SELECT COUNT(*) FROM memberships WHERE user_id = ?1) AS roles, (SELECT is_admin FROM users WHERE id = ?1) AS admin,
              (SELECT COUNT(*) FROM webmail_exceptions) AS exceptions, (SELECT COUNT(*) FROM sessions WHERE user_id = ?1) AS sessions,
              (SELECT is_active || email_domains FROM organizations WHERE id = ?2) AS organization`,
    ).bind(target.id, organization).first();
    expect(state).toEqual({ roles: 1, admin: 0, exceptions: 0, sessions: 1, organization: '1[]' });
  });
});

describe('administration dashboard', () => {
  it('counts users, unconfirmed users, active organisations, organisations awaiting validation and pending requests', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    await createUser({ username: 'pas-confirme', confirmed: false });
    const asker = await createUser({ username: 'demandeur' });
    const active = await createOrganization({ legalName: 'Commune active' });
    await createOrganization({ legalName: 'Commune désactivée', active: false });
    const created = await fileOrganizationRequest(env, asker, { legalName: 'Nouvelle commune', orgType: 'commune' });
    expect(created.ok).toBe(true);
    expect((await fileRoleRequest(env, asker, active, ['contributor'])).ok).toBe(true);

    const response = await getPage('/admin', await signedInCookie(admin.id));
    expect(response.status).toBe(200);
    const page = await response.text();
    const count = (name: string) => new RegExp(`data-count="${name}">(\\d+)<`).exec(page)?.[1];
    expect(count('users')).toBe('3');
    expect(count('unconfirmed_users')).toBe('1');
    expect(count('active_organizations')).toBe('1');
    expect(count('organizations_awaiting')).toBe('1');
    expect(count('pending_requests')).toBe('2');
    expect(page).toContain('href="/user/validation"');
    expect(page).toContain('href="/admin/audit"');
  });
});

describe('administration: user list', () => {
  it('lists users with their confirmation, administrator flag, roles per organisation and sign-up date', async () => {
    const organization = await createOrganization({ legalName: 'Région Test' });
    const admin = await createUser({ username: 'admin', isAdmin: true });
    await createUser({ username: 'zoe_martin', memberships: [
      { organizationId: organization, role: 'member' }, { organizationId: organization, role: 'contributor' },
    ] });
    await createUser({ username: 'paul', confirmed: false });
    const page = await (await getPage('/admin/users', await signedInCookie(admin.id))).text();
    expect(page).toContain('3 comptes');
    const row = page.slice(page.indexOf('>zoe_martin</a>'), page.indexOf('</tr>', page.indexOf('>zoe_martin</a>')));
    expect(row).toContain('Région Test : Membre, Contributeur');
    expect(row).toContain('zoe_martin@example.org');
    expect(row).toMatch(/<td>Oui<\/td>\s*<td>Non<\/td>/);
    expect(row).toContain(new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeZone: 'Europe/Paris' }).format(new Date()));
    const paul = page.slice(page.indexOf('>paul</a>'), page.indexOf('</tr>', page.indexOf('>paul</a>')));
    expect(paul).toMatch(/<td>Non<\/td>\s*<td>Non<\/td>/);
  });

  it('finds users by username, name or e-mail, taking _ and % literally', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    await createUser({ username: 'zoe_martin' });
    await createUser({ username: 'zoexmartin', email: 'zx@mairie.example' });
    await env.DB.prepare("UPDATE users SET first_name = 'Léa', last_name = 'Durand' WHERE username = 'zoexmartin'").run();
    const cookie = await signedInCookie(admin.id);
    const search = async (q: string) => (await getPage(`/admin/users?q=${encodeURIComponent(q)}`, cookie)).text();
    const underscore = await search('zoe_');
    expect(underscore).toContain('1 compte trouvé pour « zoe_ »');
    expect(underscore).toContain('>zoe_martin</a>');
    expect(await search('Léa Durand')).toContain('>zoexmartin</a>');
    expect(await search('mairie.example')).toContain('>zoexmartin</a>');
    expect(await search('%')).toContain('0 compte trouvé');
  });

  it('pages the list 25 accounts at a time, by username', async () => {
    const admin = await createUser({ username: 'aaa-admin', isAdmin: true });
    for (let i = 1; i <= 29; i++) await createUser({ username: `user-${String(i).padStart(2, '0')}` });
    const cookie = await signedInCookie(admin.id);
    const first = await (await getPage('/admin/users', cookie)).text();
    expect(first).toContain('30 comptes');
    expect(first).toContain('Page 1 sur 2');
    expect(first).toContain('>user-24</a>');
    expect(first).not.toContain('>user-25</a>');
    expect(first).toContain('href="/admin/users?page=2" rel="next"');
    const second = await (await getPage('/admin/users?page=2', cookie)).text();
    expect(second).toContain('>user-25</a>');
    expect(second).toContain('>user-29</a>');
    expect(second).not.toContain('>user-24</a>');
  });
});

describe('administration: audit log', () => {
  it('shows the log newest first, saying in French who did what on what, with readable details', async () => {
    const organization = await createOrganization({ legalName: 'Commune Lisible' });
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const agent = await createUser({ username: 'agent', email: 'agent@gmail.com' });
    const cookie = await signedInCookie(admin.id);
    await postForm(`/admin/users/${agent.id}/webmail-exceptions`, { organizationId: organization, reason: 'Élu sans adresse professionnelle' }, cookie);
    await postForm(`/admin/organizations/${organization}/domains`, { domains: 'lisible.fr' }, cookie);
    const page = await (await getPage('/admin/audit', cookie)).text();
    expect(page).toContain('2 entrées');
    const domains = page.indexOf('Domaines de messagerie modifiés');
    const exception = page.indexOf('Exception à la règle des adresses personnelles accordée');
    expect(domains).toBeGreaterThan(0);
    expect(exception).toBeGreaterThan(domains);
    expect(page).toContain(`<a href="/admin/users/${admin.id}">admin</a>`);
    expect(page).toContain(`<a href="/admin/users/${agent.id}">agent</a>`);
    expect(page).toContain(`<a href="/admin/organizations/${organization}">Commune Lisible</a>`);
    expect(page).toContain('<dt>Motif</dt><dd>Élu sans adresse professionnelle</dd>');
    expect(page).toContain('<dt>Domaines de messagerie</dt><dd>lisible.fr</dd>');
    expect(page).toContain('<dt>Anciens domaines</dt><dd>—</dd>');
  });

  it('filters the log by action and by user, and says when no account has the username', async () => {
    const organization = await createOrganization({ legalName: 'Commune Filtrée' });
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const first = await createUser({ username: 'premiere' });
    const second = await createUser({ username: 'seconde' });
    const cookie = await signedInCookie(admin.id);
    await postForm(`/admin/users/${first.id}/sessions/revoke`, {}, cookie);
    await postForm(`/admin/users/${second.id}/sessions/revoke`, {}, cookie);
    await postForm(`/admin/organizations/${organization}/active`, { active: '0' }, cookie);

    const byAction = await (await getPage('/admin/audit?action=sessions.revoke', cookie)).text();
    expect(byAction).toContain('2 entrées');
    expect(byAction).not.toContain('<td>Organisation désactivée</td>');
    expect(byAction).toContain('<option value="sessions.revoke" selected>Déconnecté de tous les appareils</option>');

    const byUser = await (await getPage('/admin/audit?user=premiere', cookie)).text();
    expect(byUser).toContain('1 entrée');
    expect(byUser).toContain(`<a href="/admin/users/${first.id}">premiere</a>`);
    expect(byUser).not.toContain('>seconde</a>');

    expect(await (await getPage('/admin/audit?user=admin&action=organization.deactivate', cookie)).text()).toContain('1 entrée');
    expect(await (await getPage('/admin/audit?user=personne', cookie)).text()).toContain('Aucun compte ne porte le nom d&#39;utilisateur « personne ».');
  });
});
