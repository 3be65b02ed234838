import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { fileRoleRequest } from '../../worker/src/store/role-requests';
import { createUser, postForm, setCookies, signedInCookie } from './accounts-fixtures';
import { auditLog, createOrganization, forgedPosts, getPage, rolesOf } from './admin-fixtures';

const isAdmin = async (userId: string) =>
  (await env.DB.prepare('SELECT is_admin FROM users WHERE id = ?').bind(userId).first<{ is_admin: number }>())!.is_admin;
const sessionCount = async (userId: string) =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?').bind(userId).first<{ n: number }>())!.n;
const exceptionCount = async () =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM webmail_exceptions').first<{ n: number }>())!.n;

const ALL_ROLES = (organizationId: string) => [
  { organizationId, role: 'member' as const }, { organizationId, role: 'contributor' as const }, { organizationId, role: 'referent' as const },
];

describe('administration: one account', () => {
  it('shows the account with its roles, administrator status, exceptions and open sessions', async () => {
    const organization = await createOrganization({ legalName: 'Commune Détail' });
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const agent = await createUser({ username: 'agent', memberships: [{ organizationId: organization, role: 'member' }] });
    await signedInCookie(agent.id);
    const response = await getPage(`/admin/users/${agent.id}`, await signedInCookie(admin.id));
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<h1>Compte agent</h1>');
    expect(page).toContain('Retirer<span class="sr-only"> le statut Membre dans Commune Détail</span>');
    expect(page).toContain('Nommer administrateur');
    expect(page).toContain('Aucune exception n&#39;a été accordée à ce compte.');
    expect(page).toContain('1 session ouverte.');
    expect(page).toContain('href="/admin/audit?user=agent"');
  });

  it('answers 404 for an unknown account', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const response = await getPage(`/admin/users/${crypto.randomUUID()}`, await signedInCookie(admin.id));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Ce compte n&#39;existe pas.');
  });
});

describe('administration: removing roles', () => {
  it('removes any role, the roles above it with it, and audits the removal', async () => {
    const organization = await createOrganization({ legalName: 'Commune Rôles' });
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const referent = await createUser({ username: 'referent', memberships: ALL_ROLES(organization) });
    const response = await postForm(`/admin/users/${referent.id}/roles/remove`, { organizationId: organization, role: 'contributor' },
      await signedInCookie(admin.id));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/admin/users/${referent.id}?done=role-removed`);
    expect(await rolesOf(referent.id, organization)).toEqual(['member']);
    expect(await auditLog()).toEqual([{ actor: admin.id, action: 'role.revoke', object_type: 'user', object_id: referent.id,
      detail: { organizationId: organization, roles: ['contributor', 'referent'] } }]);
  });

  it('refuses to remove a role the user does not hold, and changes nothing', async () => {
    const organization = await createOrganization({ legalName: 'Commune Rien' });
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const member = await createUser({ username: 'membre', memberships: [{ organizationId: organization, role: 'member' }] });
    const response = await postForm(`/admin/users/${member.id}/roles/remove`, { organizationId: organization, role: 'referent' },
      await signedInCookie(admin.id));
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('Cette personne n&#39;a pas ce statut dans l&#39;organisation.');
    expect(await rolesOf(member.id, organization)).toEqual(['member']);
    expect(await auditLog()).toEqual([]);
  });
});

describe('administration: platform administrator status', () => {
  it('grants administrator status, audits it and rotates the holder’s sessions at their next request', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const agent = await createUser({ username: 'agent' });
    const agentCookie = await signedInCookie(agent.id);
    const response = await postForm(`/admin/users/${agent.id}/administrator`, { administrator: '1' }, await signedInCookie(admin.id));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/admin/users/${agent.id}?done=admin-granted`);
    expect(await isAdmin(agent.id)).toBe(1);
    const next = await getPage('/admin', agentCookie);
    expect(next.status).toBe(200);
    const rotated = setCookies(next).get('__Host-session');
    expect(rotated).toBeTruthy();
    expect(agentCookie).not.toContain(rotated);
    expect(await auditLog()).toEqual([{ actor: admin.id, action: 'admin.grant', object_type: 'user', object_id: agent.id, detail: {} }]);
  });

  it('withdraws another administrator’s status, audited', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const other = await createUser({ username: 'autre-admin', isAdmin: true });
    const response = await postForm(`/admin/users/${other.id}/administrator`, { administrator: '0' }, await signedInCookie(admin.id));
    expect(response.status).toBe(303);
    expect(await isAdmin(other.id)).toBe(0);
    expect((await auditLog()).map((e) => e.action)).toEqual(['admin.withdraw']);
  });

  it('refuses to let the last administrator drop their own status, and changes nothing', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const response = await postForm(`/admin/users/${admin.id}/administrator`, { administrator: '0' }, await signedInCookie(admin.id));
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('Ce compte est le dernier administrateur de la plateforme');
    expect(await isAdmin(admin.id)).toBe(1);
    expect(await auditLog()).toEqual([]);
  });

  it('lets an administrator drop their own status when another remains, and sends them back to their account', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    await createUser({ username: 'autre-admin', isAdmin: true });
    const response = await postForm(`/admin/users/${admin.id}/administrator`, { administrator: '0' }, await signedInCookie(admin.id));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/user');
    expect(await isAdmin(admin.id)).toBe(0);
  });

  it('refuses to grant the status twice', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const other = await createUser({ username: 'autre-admin', isAdmin: true });
    const response = await postForm(`/admin/users/${other.id}/administrator`, { administrator: '1' }, await signedInCookie(admin.id));
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('Ce compte est déjà administrateur de la plateforme.');
    expect(await auditLog()).toEqual([]);
  });
});

describe('administration: personal e-mail exceptions', () => {
  it('grants an exception with its reason, audited, after which a gmail user’s request goes through', async () => {
    const organization = await createOrganization({ legalName: 'Commune de Test', domains: ['commune-test.fr'] });
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const agent = await createUser({ username: 'agent', email: 'agent.commune@gmail.com' });
    expect(await fileRoleRequest(env, agent, organization, ['member'])).toEqual({ ok: false, problem: 'roles.webmailRefused' });
    const cookie = await signedInCookie(admin.id);
    expect(await (await getPage(`/admin/users/${agent.id}`, cookie)).text()).toContain('domaine de messagerie grand public (gmail.com)');

    const response = await postForm(`/admin/users/${agent.id}/webmail-exceptions`,
      { organizationId: organization, reason: 'Secrétaire de mairie, la commune n’a pas de messagerie' }, cookie);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/admin/users/${agent.id}?done=exception-granted`);
    const stored = await env.DB.prepare('SELECT granted_by, reason FROM webmail_exceptions WHERE user_id = ? AND organization_id = ?')
      .bind(agent.id, organization).first();
    expect(stored).toEqual({ granted_by: admin.id, reason: 'Secrétaire de mairie, la commune n’a pas de messagerie' });
    expect(await auditLog()).toEqual([{ actor: admin.id, action: 'webmail.grant', object_type: 'user', object_id: agent.id,
      detail: { organizationId: organization, reason: 'Secrétaire de mairie, la commune n’a pas de messagerie' } }]);

    expect((await fileRoleRequest(env, agent, organization, ['member'])).ok).toBe(true);
  });

  it('refuses an exception without a reason or an organisation, says which field is missing, and writes nothing', async () => {
    const organization = await createOrganization({ legalName: 'Commune Motif' });
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const agent = await createUser({ username: 'agent', email: 'agent@gmail.com' });
    const cookie = await signedInCookie(admin.id);
    const noReason = await postForm(`/admin/users/${agent.id}/webmail-exceptions`, { organizationId: organization, reason: '   ' }, cookie);
    expect(noReason.status).toBe(400);
    const page = await noReason.text();
    expect(page).toContain('<a href="#field-reason">Indiquez le motif de l&#39;exception.</a>');
    const noOrganization = await postForm(`/admin/users/${agent.id}/webmail-exceptions`, { organizationId: '', reason: 'Élu' }, cookie);
    expect(noOrganization.status).toBe(400);
    expect(await noOrganization.text()).toContain('Choisissez l&#39;organisation concernée par l&#39;exception.');
    expect(await exceptionCount()).toBe(0);
    expect(await auditLog()).toEqual([]);
  });

  it('withdraws an exception, audited, after which the request is refused again', async () => {
    const organization = await createOrganization({ legalName: 'Commune Retrait' });
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const agent = await createUser({ username: 'agent', email: 'agent@orange.fr' });
    const cookie = await signedInCookie(admin.id);
    await postForm(`/admin/users/${agent.id}/webmail-exceptions`, { organizationId: organization, reason: 'Élu municipal' }, cookie);
    const response = await postForm(`/admin/users/${agent.id}/webmail-exceptions/withdraw`, { organizationId: organization }, cookie);
    expect(response.status).toBe(303);
    expect(await exceptionCount()).toBe(0);
    expect((await auditLog()).map((e) => e.action)).toEqual(['webmail.grant', 'webmail.withdraw']);
    expect(await fileRoleRequest(env, agent, organization, ['member'])).toEqual({ ok: false, problem: 'roles.webmailRefused' });
  });
});

describe('administration: sessions', () => {
  it('signs a user out of every device, audited with the number of sessions closed', async () => {
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const agent = await createUser({ username: 'agent' });
    const agentCookie = await signedInCookie(agent.id);
    await signedInCookie(agent.id);
    const response = await postForm(`/admin/users/${agent.id}/sessions/revoke`, {}, await signedInCookie(admin.id));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/admin/users/${agent.id}?done=signed-out`);
    expect(await sessionCount(agent.id)).toBe(0);
    expect(await sessionCount(admin.id)).toBe(1);
    expect(await auditLog()).toEqual([{ actor: admin.id, action: 'sessions.revoke', object_type: 'user', object_id: agent.id, detail: { sessions: 2 } }]);
    expect((await getPage('/admin', agentCookie)).headers.get('location')).toBe('/user/login?next=%2Fadmin');
  });
});

describe('administration: forged posts', () => {
  it('refuses every user action posted cross-site or without the CSRF token, and changes nothing', async () => {
    const organization = await createOrganization({ legalName: 'Commune Forgée' });
    const admin = await createUser({ username: 'admin', isAdmin: true });
    const agent = await createUser({ username: 'agent', email: 'agent@gmail.com', memberships: [{ organizationId: organization, role: 'member' }] });
    await signedInCookie(agent.id);
    const cookie = await signedInCookie(admin.id);
    const actions: Array<[string, Record<string, string>]> = [
      [`/admin/users/${agent.id}/roles/remove`, { organizationId: organization, role: 'member' }],
      [`/admin/users/${agent.id}/administrator`, { administrator: '1' }],
      [`/admin/users/${agent.id}/webmail-exceptions`, { organizationId: organization, reason: 'Forgé' }],
      [`/admin/users/${agent.id}/sessions/revoke`, {}],
    ];
    for (const [path, fields] of actions) {
      for (const response of await Promise.all(forgedPosts(path, fields, cookie))) {
        expect(response.status, path).toBe(403);
        expect(await response.text(), path).toContain('ne vient pas de ce site');
      }
    }
    expect(await rolesOf(agent.id, organization)).toEqual(['member']);
    expect(await isAdmin(agent.id)).toBe(0);
    expect(await exceptionCount()).toBe(0);
    expect(await sessionCount(agent.id)).toBe(1);
    expect(await auditLog()).toEqual([]);
  });
});
