import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createUser, ORIGIN, postForm, setCookies, signedInCookie } from './accounts-fixtures';

async function createOrganization(slug: string, legalName: string, domains: string[], active = true): Promise<string> {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  await env.DB.prepare(
    `INSERT INTO organizations (id, slug, legal_name, org_type, email_domains, is_active, created_at, updated_at) VALUES (?, ?, ?, 'commune', ?, ?, ?, ?)`,
  ).bind(id, slug, legalName, JSON.stringify(domains), active ? 1 : 0, now, now).run();
  return id;
}

const roles = async (userId: string, organizationId: string) =>
  (await env.DB.prepare('SELECT role FROM memberships WHERE user_id = ? AND organization_id = ? ORDER BY role').bind(userId, organizationId)
    .all<{ role: string }>()).results.map((r) => r.role);
const mailsTo = async (address: string) =>
  (await env.DB.prepare('SELECT template, subject, body_text FROM mail_outbox WHERE to_address = ?').bind(address)
    .all<{ template: string; subject: string; body_text: string }>()).results;
const pendingRequest = async (userId: string) =>
  env.DB.prepare("SELECT id, kind FROM role_requests WHERE user_id = ? AND status = 'pending'").bind(userId).first<{ id: string; kind: string }>();

describe('role requests and their validation', () => {
  it('a contributeur request goes to the référents of the organisation, who accept it: roles granted, audit, mail', async () => {
    const lodeve = await createOrganization('commune-de-lodeve', 'Commune de Lodève', ['lodeve.fr']);
    const referent = await createUser({ username: 'referente', email: 'referente@lodeve.fr', memberships: [{ organizationId: lodeve, role: 'referent' }] });
    const admin = await createUser({ username: 'admin', email: 'admin@portail.example', isAdmin: true });
    const agent = await createUser({ username: 'agent', email: 'agent@lodeve.fr' });
    const agentCookie = await signedInCookie(agent.id);

    const asked = await postForm('/user/organizations/join', { organization: lodeve, contributor: 'on', message: 'Service SIG' }, agentCookie);
    expect(asked.status).toBe(303);
    const request = await pendingRequest(agent.id);
    expect(request?.kind).toBe('contributor');
    expect(await mailsTo('referente@lodeve.fr')).toMatchObject([{ template: 'confirm_contributor_status' }]);
    expect(await mailsTo(admin.email)).toEqual([]);

    const queue = await SELF.fetch(`${ORIGIN}/user/validation`, { headers: { cookie: await signedInCookie(referent.id) } });
    expect(await queue.text()).toContain('Service SIG');

    const decided = await postForm(`/user/validation/${request!.id}`, { decision: 'accept', note: 'Bienvenue' }, await signedInCookie(referent.id));
    expect(decided.status).toBe(303);
    expect(await roles(agent.id, lodeve)).toEqual(['contributor', 'member']);
    const [mail] = await mailsTo('agent@lodeve.fr');
    expect(mail).toMatchObject({ template: 'contributor_status_confirmed' });
    expect(mail!.body_text).toContain('Bienvenue');
    const audit = await env.DB.prepare("SELECT actor, action FROM audit_log WHERE object_id = ?").bind(request!.id).first();
    expect(audit).toEqual({ actor: referent.id, action: 'request.accept' });

    // The requester's session is rotated at its next request: the old token stops working.
    const home = await SELF.fetch(`${ORIGIN}/user`, { headers: { cookie: agentCookie }, redirect: 'manual' });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Espace contributeur');
    expect(setCookies(home).get('__Host-session')).toBeTruthy();
    const stale = await SELF.fetch(`${ORIGIN}/user`, { headers: { cookie: agentCookie }, redirect: 'manual' });
    expect(stale.status).toBe(303);
  });

  it('a référent cannot decide a référent request, nor any request of another organisation; nothing changes', async () => {
    const lodeve = await createOrganization('commune-de-lodeve', 'Commune de Lodève', ['lodeve.fr']);
    const agde = await createOrganization('commune-d-agde', "Commune d'Agde", ['agde.fr']);
    const referent = await createUser({ username: 'referente', email: 'referente@lodeve.fr', memberships: [{ organizationId: lodeve, role: 'referent' }] });
    await createUser({ username: 'referent-agde', email: 'ref@agde.fr', memberships: [{ organizationId: agde, role: 'referent' }] });
    const agent = await createUser({ username: 'agent', email: 'agent@lodeve.fr' });
    const other = await createUser({ username: 'agent-agde', email: 'agent@agde.fr' });
    await postForm('/user/organizations/join', { organization: lodeve, referent: 'on' }, await signedInCookie(agent.id));
    await postForm('/user/organizations/join', { organization: agde, contributor: 'on' }, await signedInCookie(other.id));
    const cookie = await signedInCookie(referent.id);
    for (const userId of [agent.id, other.id]) {
      const request = await pendingRequest(userId);
      const response = await postForm(`/user/validation/${request!.id}`, { decision: 'accept' }, cookie);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('pas les droits');
      expect((await pendingRequest(userId))?.id).toBe(request!.id);
    }
    expect(await roles(agent.id, lodeve)).toEqual([]);
  });

  it('a contributeur cannot validate anything, even by forging the form', async () => {
    const lodeve = await createOrganization('commune-de-lodeve', 'Commune de Lodève', ['lodeve.fr']);
    const contributor = await createUser({ username: 'contrib', email: 'contrib@lodeve.fr', memberships: [{ organizationId: lodeve, role: 'member' }, { organizationId: lodeve, role: 'contributor' }] });
    const agent = await createUser({ username: 'agent', email: 'agent@lodeve.fr' });
    await postForm('/user/organizations/join', { organization: lodeve }, await signedInCookie(agent.id));
    const request = await pendingRequest(agent.id);
    const response = await postForm(`/user/validation/${request!.id}`, { decision: 'accept' }, await signedInCookie(contributor.id));
    expect(response.status).toBe(403);
    expect(await roles(agent.id, lodeve)).toEqual([]);
  });

  it('a gmail user cannot join a municipality: the form says why and nothing is filed', async () => {
    const lodeve = await createOrganization('commune-de-lodeve', 'Commune de Lodève', ['lodeve.fr']);
    const user = await createUser({ username: 'particulier', email: 'particulier@gmail.com' });
    const response = await postForm('/user/organizations/join', { organization: lodeve, contributor: 'on' }, await signedInCookie(user.id));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('adresse personnelle');
    expect(await pendingRequest(user.id)).toBeNull();
  });

  it('without a référent in the organisation, administrators are asked and decide', async () => {
    const lodeve = await createOrganization('commune-de-lodeve', 'Commune de Lodève', ['lodeve.fr']);
    const admin = await createUser({ username: 'admin', email: 'admin@portail.example', isAdmin: true });
    const agent = await createUser({ username: 'agent', email: 'agent@lodeve.fr' });
    await postForm('/user/organizations/join', { organization: lodeve, contributor: 'on' }, await signedInCookie(agent.id));
    expect(await mailsTo(admin.email)).toMatchObject([{ template: 'confirm_contributor_status' }]);
    const request = await pendingRequest(agent.id);
    expect((await postForm(`/user/validation/${request!.id}`, { decision: 'refuse', note: 'Inconnu du service' }, await signedInCookie(admin.id))).status).toBe(303);
    expect(await roles(agent.id, lodeve)).toEqual([]);
    expect((await mailsTo(agent.email))[0]).toMatchObject({ template: 'contributor_status_confirmed', subject: expect.stringContaining('refusée') });
  });

  it('an administrator validates a new organisation: it becomes active and its requester a member, then référent', async () => {
    const admin = await createUser({ username: 'admin', email: 'admin@portail.example', isAdmin: true });
    const agent = await createUser({ username: 'agent', email: 'agent@lodeve.fr' });
    const asked = await postForm('/user/organizations/create', {
      org_legal_name: 'Syndicat mixte du Lodévois', org_type: 'syndicat', org_email_domains: 'lodevois.fr, lodeve.fr', referent: 'on',
    }, await signedInCookie(agent.id));
    expect(asked.status).toBe(303);
    const org = await env.DB.prepare("SELECT id, slug, is_active, email_domains FROM organizations WHERE legal_name = 'Syndicat mixte du Lodévois'")
      .first<{ id: string; slug: string; is_active: number; email_domains: string }>();
    expect(org).toMatchObject({ slug: 'syndicat-mixte-du-lodevois', is_active: 0, email_domains: '["lodevois.fr","lodeve.fr"]' });
    const requests = (await env.DB.prepare("SELECT id, kind FROM role_requests WHERE organization_id = ? ORDER BY kind").bind(org!.id).all<{ id: string; kind: string }>()).results;
    expect(requests.map((r) => r.kind)).toEqual(['organization', 'referent']);
    expect((await mailsTo(admin.email)).map((m) => m.template).sort()).toEqual(['confirm_organisation_creation', 'confirm_referent_status']);

    const adminCookie = await signedInCookie(admin.id);
    const referentRequest = requests.find((r) => r.kind === 'referent')!;
    const tooEarly = await postForm(`/user/validation/${referentRequest.id}`, { decision: 'accept' }, adminCookie);
    expect(tooEarly.status).toBe(409);
    expect(await tooEarly.text()).toContain('pas encore validée');
    await postForm(`/user/validation/${requests.find((r) => r.kind === 'organization')!.id}`, { decision: 'accept' }, adminCookie);
    expect((await env.DB.prepare('SELECT is_active FROM organizations WHERE id = ?').bind(org!.id).first<{ is_active: number }>())!.is_active).toBe(1);
    expect(await roles(agent.id, org!.id)).toEqual(['member']);
    await postForm(`/user/validation/${referentRequest.id}`, { decision: 'accept' }, adminCookie);
    expect(await roles(agent.id, org!.id)).toEqual(['contributor', 'member', 'referent']);
  });

  it('a user drops their own référent status and keeps contributeur; leaving drops everything', async () => {
    const lodeve = await createOrganization('commune-de-lodeve', 'Commune de Lodève', ['lodeve.fr']);
    const user = await createUser({ username: 'referente', email: 'referente@lodeve.fr', memberships: [
      { organizationId: lodeve, role: 'member' }, { organizationId: lodeve, role: 'contributor' }, { organizationId: lodeve, role: 'referent' }] });
    const cookie = await signedInCookie(user.id);
    expect((await postForm('/user/organizations/drop', { organization: lodeve, role: 'referent' }, cookie)).status).toBe(303);
    expect(await roles(user.id, lodeve)).toEqual(['contributor', 'member']);
    const fresh = await signedInCookie(user.id);
    await postForm('/user/organizations/drop', { organization: lodeve, role: 'member' }, fresh);
    expect(await roles(user.id, lodeve)).toEqual([]);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE object_id = ? ORDER BY id").bind(user.id).all<{ action: string }>();
    expect(audit.results.map((a) => a.action)).toEqual(['role.drop', 'role.drop']);
  });

  it('refuses a request form posted from another site', async () => {
    const lodeve = await createOrganization('commune-de-lodeve', 'Commune de Lodève', ['lodeve.fr']);
    const agent = await createUser({ username: 'agent', email: 'agent@lodeve.fr' });
    const response = await postForm('/user/organizations/join', { organization: lodeve }, await signedInCookie(agent.id), { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(await pendingRequest(agent.id)).toBeNull();
  });

  it('sends visitors who are not signed in to the sign-in page', async () => {
    const response = await SELF.fetch(`${ORIGIN}/user/validation`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/user/login?next=%2Fuser%2Fvalidation');
  });
});
