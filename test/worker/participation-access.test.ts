// Access requests (issue 5): a signed-in user asks with a reason, the organisation's contributeurs and référents
// decide (to the user or to the user's organisation, or refuse with a message), both sides are mailed, and once
// granted the download goes through can() for that user only. Deciding across organisations is refused.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createUser, ORIGIN, signedInCookie } from './accounts-fixtures';
import { addStoredResource, createOrganization, createThroughForm, get, mailsTo, post, world } from './publish-datasets-fixtures';

async function restrictedDataset(level = 'same_organization') {
  const w = await world();
  const datasetId = await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
  const resource = await addStoredResource(datasetId, 'Comptages vélo', ['a;b\n1;2\n']);
  await env.DB.prepare('UPDATE resources SET access_level = ? WHERE id = ?').bind(level, resource.id).run();
  const montpellier = await createOrganization('montpellier', 'Ville de Montpellier');
  const requester = await createUser({ username: 'chercheuse', email: 'chercheuse@montpellier.fr', memberships: [{ organizationId: montpellier, role: 'member' }] });
  const colleague = await createUser({ username: 'collegue-mtp', email: 'collegue@montpellier.fr', memberships: [{ organizationId: montpellier, role: 'member' }] });
  const stranger = await createUser({ username: 'inconnu', email: 'inconnu@example.org' });
  return { ...w, datasetId, resource, montpellier, requester, colleague, stranger };
}

const download = async (datasetId: string, resourceId: string, userId?: string) =>
  SELF.fetch(`${ORIGIN}/dataset/${datasetId}/resource/${resourceId}/download/arrets.csv`, { headers: userId ? { cookie: await signedInCookie(userId) } : {} });

async function fileRequest(s: Awaited<ReturnType<typeof restrictedDataset>>, reason = 'Étude des mobilités douces pour le schéma directeur.') {
  const response = await post('/user/access-requests/new', [['dataset', s.datasetId], ['resource', s.resource.id], ['reason', reason]], await signedInCookie(s.requester.id));
  expect(response.status).toBe(303);
  const row = await env.DB.prepare('SELECT id FROM access_requests WHERE requester_id = ?').bind(s.requester.id).first<{ id: string }>();
  return row!.id;
}

describe('access requests', () => {
  it('the form needs a signed-in user and shows the locked resource', async () => {
    const s = await restrictedDataset();
    const anonymous = await get(`/user/access-requests/new?dataset=${s.datasetId}&resource=${s.resource.id}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/user\/login\?next=/);
    const page = await get(`/user/access-requests/new?dataset=${s.datasetId}&resource=${s.resource.id}`, s.requester.id);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Comptages vélo');
  });

  it('granted to the user: both sides mailed, the download works for them and still fails for another', async () => {
    const s = await restrictedDataset();
    expect((await download(s.datasetId, s.resource.id, s.requester.id)).status).toBe(403);
    const id = await fileRequest(s);
    expect((await mailsTo('referente@lodeve.fr')).map((m) => m.template)).toContain('access_request_created');
    expect((await mailsTo('contributrice@lodeve.fr')).map((m) => m.template)).toContain('access_request_created');
    expect((await mailsTo(s.requester.email)).map((m) => m.template)).toEqual(['access_request_receipt']);

    const queue = await (await get('/user/access-requests', s.referent.id)).text();
    expect(queue).toContain(`/user/access-requests/${id}`);
    const decided = await post(`/user/access-requests/${id}`, [['decision', 'grant'], ['grant_to', 'user'], ['message', '']], await signedInCookie(s.referent.id));
    expect(decided.status).toBe(303);
    expect((await mailsTo(s.requester.email)).map((m) => m.template)).toEqual(['access_request_receipt', 'access_request_granted']);

    const granted = await download(s.datasetId, s.resource.id, s.requester.id);
    expect(granted.status).toBe(200);
    expect(await granted.text()).toBe('a;b\n1;2\n');
    expect((await download(s.datasetId, s.resource.id, s.colleague.id)).status).toBe(403);
    expect((await download(s.datasetId, s.resource.id, s.stranger.id)).status).toBe(403);
    expect((await download(s.datasetId, s.resource.id)).status).toBe(401);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE object_type = 'access_request' ORDER BY id").all<{ action: string }>();
    expect(audit.results.map((a) => a.action)).toEqual(['access-request.create', 'access-request.granted']);
  });

  it('granted to the user’s organisation: every member of it downloads, nobody else', async () => {
    const s = await restrictedDataset('listed_users');
    const id = await fileRequest(s);
    const decided = await post(`/user/access-requests/${id}`, [['decision', 'grant'], ['grant_to', `organization:${s.montpellier}`]], await signedInCookie(s.contributor.id));
    expect(decided.status).toBe(303);
    expect((await download(s.datasetId, s.resource.id, s.requester.id)).status).toBe(200);
    expect((await download(s.datasetId, s.resource.id, s.colleague.id)).status).toBe(200);
    expect((await download(s.datasetId, s.resource.id, s.stranger.id)).status).toBe(403);
  });

  it('a grant never reaches an organisation the requester does not belong to', async () => {
    const s = await restrictedDataset();
    const id = await fileRequest(s);
    const response = await post(`/user/access-requests/${id}`, [['decision', 'grant'], ['grant_to', `organization:${s.agde}`]], await signedInCookie(s.referent.id));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Choisissez le demandeur ou l’une de ses organisations.');
    expect((await env.DB.prepare('SELECT status FROM access_requests WHERE id = ?').bind(id).first())!.status).toBe('pending');
  });

  it('refused with a message: the requester reads it, the download stays closed; refusing without a message is refused', async () => {
    const s = await restrictedDataset();
    const id = await fileRequest(s);
    const cookie = await signedInCookie(s.referent.id);
    const empty = await post(`/user/access-requests/${id}`, [['decision', 'refuse'], ['message', '']], cookie);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Expliquez la raison du refus au demandeur');
    expect((await post(`/user/access-requests/${id}`, [['decision', 'refuse'], ['message', 'Données nominatives, non communicables.']], cookie)).status).toBe(303);
    const mail = (await mailsTo(s.requester.email)).at(-1)!;
    expect(mail.template).toBe('access_request_refused');
    expect(mail.body_text).toContain('> Données nominatives, non communicables.');
    expect((await download(s.datasetId, s.resource.id, s.requester.id)).status).toBe(403);
    // Decided once: a second decision is refused.
    expect((await post(`/user/access-requests/${id}`, [['decision', 'grant'], ['grant_to', 'user']], cookie)).status).toBe(409);
  });

  it('deciding across organisations is refused, and so is reading someone else’s request', async () => {
    const s = await restrictedDataset();
    const id = await fileRequest(s);
    // A contributeur of Agde, a plain member of Lodève, another user: none may decide.
    for (const user of [s.outsider, s.member, s.stranger]) {
      const response = await post(`/user/access-requests/${id}`, [['decision', 'grant'], ['grant_to', 'user']], await signedInCookie(user.id));
      expect(response.status, user.username).toBe(403);
      expect((await get(`/user/access-requests/${id}`, user.id)).status, user.username).toBe(403);
      expect(await (await get('/user/access-requests', user.id)).text()).not.toContain(id);
    }
    expect((await download(s.datasetId, s.resource.id, s.requester.id)).status).toBe(403);
    expect((await get(`/user/access-requests/${id}`, s.requester.id)).status).toBe(200);
  });

  it('bad input: no reason, a resource already open, a duplicate, a forged CSRF token; HTML in the reason is shown as text', async () => {
    const s = await restrictedDataset();
    const cookie = await signedInCookie(s.requester.id);
    const noReason = await post('/user/access-requests/new', [['dataset', s.datasetId], ['resource', s.resource.id], ['reason', '  ']], cookie);
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('Indiquez la raison de votre demande.');
    const open = await addStoredResource(s.datasetId, 'Ouverte', ['x']);
    const openResource = await post('/user/access-requests/new', [['dataset', s.datasetId], ['resource', open.id], ['reason', 'Une raison suffisante.']], cookie);
    expect(openResource.status).toBe(400);
    const forged = await post('/user/access-requests/new', [['dataset', s.datasetId], ['resource', s.resource.id], ['reason', 'Une raison suffisante.']], cookie, {}, 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz');
    expect(forged.status).toBe(403);
    const id = await fileRequest(s, '<script>alert(1)</script> **gras** pour mon étude');
    const duplicate = await post('/user/access-requests/new', [['dataset', s.datasetId], ['resource', s.resource.id], ['reason', 'Encore une fois, svp.']], cookie);
    expect(duplicate.status).toBe(409);
    const page = await (await get(`/user/access-requests/${id}`, s.referent.id)).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; **gras**');
    expect(page).not.toContain('<script>alert(1)');
  });
});
