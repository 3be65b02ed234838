// Reports and moderation, and requests for missing data (issue 5): a report reaches the administrators' queue; hide,
// delete or dismiss acts on the content, is audited, and every reporter of it is told; the data request inbox keeps
// a status and mails the reply. Only administrators moderate; anonymous forms have a honeypot and a rate limit.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { CatalogueSnapshot } from '../../worker/src/domain/snapshot';
import { anonymousCookie, createUser, ORIGIN, postForm, signedInCookie } from './accounts-fixtures';
import { addStoredResource, createThroughForm, get, mailsTo, world } from './publish-datasets-fixtures';

const snapshot = async () => (await SELF.fetch(`${ORIGIN}/api/internal/catalogue/snapshot`, { headers: { authorization: 'Bearer operator-test-token' } })).json<CatalogueSnapshot>();

async function people() {
  const w = await world();
  const admin = await createUser({ username: 'admin', email: 'admin@example.org', isAdmin: true });
  const reporter = await createUser({ username: 'vigilante', email: 'vigilante@example.org' });
  const second = await createUser({ username: 'vigilant', email: 'vigilant@example.org' });
  return { ...w, admin, reporter, second };
}

async function report(userId: string, type: string, id: string, reason = 'Ce contenu publie des données personnelles.'): Promise<Response> {
  return postForm('/user/reports/new', { type, id, reason }, await signedInCookie(userId));
}

const reportId = async () => (await env.DB.prepare('SELECT id FROM content_reports ORDER BY created_at LIMIT 1').first<{ id: string }>())!.id;

describe('reports and moderation', () => {
  it('a dataset reported twice, hidden by an administrator: it leaves the catalogue, both reporters are told, it is audited', async () => {
    const p = await people();
    const id = await createThroughForm(p.contributor, p.lodeve, { state: 'published' });
    expect((await report(p.reporter.id, 'dataset', id)).status).toBe(200);
    expect((await report(p.second.id, 'dataset', id, 'Même constat que la personne précédente.')).status).toBe(200);
    expect((await mailsTo('admin@example.org')).map((m) => m.template)).toEqual(['report_created', 'report_created']);
    const queue = await (await get('/admin/reports', p.admin.id)).text();
    expect(queue).toContain('Ce contenu publie des données personnelles.');
    const decided = await postForm(`/admin/reports/${await reportId()}`, { action: 'hide', message: 'Masqué le temps de vérifier.' }, await signedInCookie(p.admin.id));
    expect(decided.status).toBe(303);
    expect((await snapshot()).datasets.map((d) => d.id)).not.toContain(id);
    for (const email of ['vigilante@example.org', 'vigilant@example.org']) {
      const [mail] = (await mailsTo(email)).filter((m) => m.template === 'report_decided');
      expect(mail!.body_text).toContain('a été masqué par les administrateurs');
    }
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM content_reports WHERE status = 'hidden'").first('n')).toBe(2);
    expect(await env.DB.prepare("SELECT actor FROM audit_log WHERE action = 'report.hide'").first('actor')).toBe(p.admin.id);
  });

  it('a resource deleted with its files; hiding a resource is not offered', async () => {
    const p = await people();
    const datasetId = await createThroughForm(p.contributor, p.lodeve, { state: 'published' });
    const resource = await addStoredResource(datasetId, 'Fichier douteux', ['x']);
    expect((await report(p.reporter.id, 'resource', resource.id)).status).toBe(200);
    const rid = await reportId();
    expect((await postForm(`/admin/reports/${rid}`, { action: 'hide' }, await signedInCookie(p.admin.id))).status).toBe(400);
    expect((await postForm(`/admin/reports/${rid}`, { action: 'delete' }, await signedInCookie(p.admin.id))).status).toBe(303);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM resources WHERE id = ?').bind(resource.id).first('n')).toBe(0);
    expect(await env.FILES.head(resource.keys[0]!)).toBeNull();
    expect((await mailsTo('vigilante@example.org')).at(-1)!.body_text).toContain('a été supprimé');
  });

  it('only administrators moderate; reporting needs an account and a reason; drafts cannot be reported', async () => {
    const p = await people();
    const id = await createThroughForm(p.contributor, p.lodeve, { state: 'published' });
    await report(p.reporter.id, 'dataset', id);
    const rid = await reportId();
    for (const user of [p.referent, p.reporter]) {
      expect((await get('/admin/reports', user.id)).status).toBe(403);
      expect((await postForm(`/admin/reports/${rid}`, { action: 'delete' }, await signedInCookie(user.id))).status).toBe(403);
    }
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM datasets').first('n')).toBe(1);
    expect((await postForm('/user/reports/new', { type: 'dataset', id, reason: 'Une raison assez longue.' })).status).toBe(303);
    const empty = await report(p.reporter.id, 'dataset', id, ' ');
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Indiquez la raison de votre demande.');
    const draft = await createThroughForm(p.contributor, p.lodeve, { state: 'draft', title: 'Brouillon' });
    expect((await report(p.reporter.id, 'dataset', draft)).status).toBe(404);
  });
});

describe('requests for missing data', () => {
  it('a visitor asks; the inbox shows it; forwarded with a reply mailed to the requester; HTML stays text', async () => {
    const p = await people();
    const response = await postForm('/user/data-requests/new', { name: 'Léa', email: 'lea@example.org', title: 'Horaires des déchèteries', description: '<script>alert(1)</script> pour le Gard, au format CSV.' });
    expect(response.status).toBe(200);
    expect((await mailsTo('lea@example.org')).map((m) => m.template)).toEqual(['data_request_receipt']);
    expect((await mailsTo('admin@example.org')).map((m) => m.template)).toEqual(['data_request_created']);
    const inbox = await (await get('/admin/data-requests', p.admin.id)).text();
    expect(inbox).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(inbox).not.toContain('<script>alert(1)');
    const id = (await env.DB.prepare('SELECT id FROM data_requests').first<{ id: string }>())!.id;
    expect((await get('/admin/data-requests', p.reporter.id)).status).toBe(403);
    expect((await postForm(`/admin/data-requests/${id}`, { status: 'forwarded', reply: 'Transmise au Département du Gard.' }, await signedInCookie(p.reporter.id))).status).toBe(403);
    expect((await postForm(`/admin/data-requests/${id}`, { status: 'forwarded', reply: 'Transmise au Département du Gard.' }, await signedInCookie(p.admin.id))).status).toBe(303);
    const reply = (await mailsTo('lea@example.org')).at(-1)!;
    expect(reply.template).toBe('data_request_reply');
    expect(reply.body_text).toContain('(état : transmise au producteur)');
    expect(reply.body_text).toContain('> Transmise au Département du Gard.');
    expect(await env.DB.prepare('SELECT status FROM data_requests').first('status')).toBe('forwarded');
  });

  it('spam guards: honeypot, then three requests an hour per address', async () => {
    await people();
    const fields = { name: 'Léa', email: 'lea@example.org', title: 'Horaires', description: 'Une description suffisante.' };
    expect((await postForm('/user/data-requests/new', { ...fields, website: 'spam' })).status).toBe(400);
    for (let i = 0; i < 3; i++) expect((await postForm('/user/data-requests/new', fields, anonymousCookie, { 'cf-connecting-ip': '198.51.100.7' })).status).toBe(200);
    expect((await postForm('/user/data-requests/new', fields, anonymousCookie, { 'cf-connecting-ip': '198.51.100.7' })).status).toBe(429);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM data_requests').first('n')).toBe(3);
  });
});
