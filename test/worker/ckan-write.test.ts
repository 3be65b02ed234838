// The CKAN Action API, write side, against the real Worker in workerd (D1, R2, queue): ckanapi-style POSTs with
// API tokens, the same publishing path as the forms (change + rebuild, mails, sync, ingest), CKAN's error shapes.
import { env, SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { newApiToken } from '../../worker/src/store/api-tokens';
import { changes, mailsTo, THEME_TRANSPORT, world, type World } from './publish-datasets-fixtures';
import { FILES, putServedFile } from './publish-resources-fixtures';

const ORIGIN = 'https://portal.test';

interface Envelope<T = Record<string, unknown>> { help: string; success: boolean; result: T; error: Record<string, unknown> & { __type: string } }
type Pkg = Record<string, unknown> & { id: string; name: string; resources: Array<Record<string, unknown> & { id: string; url: string }> };

let w: World;
const tokens: Record<string, string> = {};

async function token(userId: string, scope: 'read' | 'read_write' = 'read_write'): Promise<string> {
  const created = newApiToken(env.DB, userId, { name: 'api', scope, expiresAt: null });
  await created.statement.run();
  return created.secret;
}

beforeEach(async () => {
  const objects = (await env.FILES.list()).objects.map((o) => o.key);
  if (objects.length) await env.FILES.delete(objects);
  w = await world();
  tokens.contributor = await token(w.contributor.id);
  tokens.readOnly = await token(w.contributor.id, 'read');
  tokens.colleague = await token(w.colleague.id);
  tokens.referent = await token(w.referent.id);
  tokens.member = await token(w.member.id);
  tokens.outsider = await token(w.outsider.id);
});

/** A POST as ckanapi sends it: JSON body, both key headers, no redirect followed. */
async function call<T = Pkg>(action: string, data: unknown, key?: string, headers: Record<string, string> = {}) {
  const response = await SELF.fetch(`${ORIGIN}/api/action/${action}`, {
    method: 'POST',
    redirect: 'manual',
    body: JSON.stringify(data),
    headers: {
      'content-type': 'application/json', 'user-agent': 'ckanapi/4.11 (+https://github.com/ckan/ckanapi)',
      ...(key ? { 'x-ckan-api-key': key, authorization: key } : {}), ...headers,
    },
  });
  return { status: response.status, body: await response.json<Envelope<T>>() };
}

async function read<T = Pkg>(path: string, key?: string) {
  const response = await SELF.fetch(`${ORIGIN}${path}`, { headers: key ? { authorization: key } : {} });
  return { status: response.status, body: await response.json<Envelope<T>>() };
}

const PACKAGE = () => ({
  name: 'arrets-bus-lodeve',
  title: 'Arrêts de bus de Lodève',
  notes: 'Position des **arrêts** du réseau urbain.',
  owner_org: 'commune-de-lodeve',
  license_id: 'lov2',
  tags: [{ name: 'transport' }, { name: 'bus' }],
  groups: [{ name: 'mobilite-et-transports' }],
  author: 'Service SIG',
  author_email: 'sig@lodeve.fr',
  extras: [
    { key: 'frequency', value: 'ANNUAL' },
    { key: 'spatial', value: JSON.stringify({ type: 'Polygon', coordinates: [[[3.27, 43.7], [3.34, 43.7], [3.34, 43.75], [3.27, 43.75], [3.27, 43.7]]] }) },
    { key: 'temporal_start', value: '2020' },
    { key: 'temporal_end', value: '2025-06' },
  ],
});

const searchNames = async (query: string, key?: string) =>
  (await read<{ results: Pkg[] }>(`/api/3/action/package_search?${query}`, key)).body.result.results.map((p) => p.name);

describe('package_create', () => {
  it('creates a published dataset through the forms’ path: visible to all, change recorded, référent mailed, audited', async () => {
    const { status, body } = await call('package_create', PACKAGE(), tokens.contributor);
    expect(status, JSON.stringify(body)).toBe(200);
    const pkg = body.result;
    expect(pkg).toMatchObject({
      name: 'arrets-bus-lodeve', title: 'Arrêts de bus de Lodève', notes: 'Position des **arrêts** du réseau urbain.', private: false,
      owner_org: w.lodeve, license_id: 'lov2', author: 'Service SIG', creator_user_id: w.contributor.id,
      organization: { name: 'commune-de-lodeve' }, groups: [{ id: THEME_TRANSPORT, name: 'mobilite-et-transports' }],
    });
    expect((pkg.tags as { name: string }[]).map((t) => t.name).sort()).toEqual(['bus', 'transport']);
    expect(pkg.extras).toEqual(expect.arrayContaining([
      { key: 'frequency', value: 'ANNUAL' }, { key: 'temporal_start', value: '2020' }, { key: 'temporal_end', value: '2025-06' },
      { key: 'spatial', value: JSON.stringify({ type: 'Polygon', coordinates: [[[3.27, 43.7], [3.34, 43.7], [3.34, 43.75], [3.27, 43.75], [3.27, 43.7]]] }) },
    ]));

    expect((await read('/api/3/action/package_show?id=arrets-bus-lodeve')).body.result.id).toBe(pkg.id);
    expect(await searchNames('q=organization:commune-de-lodeve')).toEqual(['arrets-bus-lodeve']);
    expect(await changes()).toEqual([{ reason: 'dataset.create', object_type: 'dataset', object_id: pkg.id }]);
    expect(await mailsTo('referente@lodeve.fr')).toMatchObject([{ template: 'dataset_created' }]);
    expect(await mailsTo('contributrice@lodeve.fr')).toMatchObject([{ template: 'dataset_created' }]);
    const audit = await env.DB.prepare("SELECT actor, action FROM audit_log WHERE object_id = ?").bind(pkg.id).first();
    expect(audit).toEqual({ actor: w.contributor.id, action: 'dataset.create' });
  });

  it('accepts the token in X-CKAN-API-Key alone, in Authorization raw and as Bearer, and form-urlencoded bodies', async () => {
    const post = (name: string, headers: Record<string, string>, body: BodyInit, type = 'application/json') => SELF.fetch(`${ORIGIN}/api/3/action/package_create`, {
      method: 'POST', body, headers: { 'content-type': type, ...headers },
    }).then(async (r) => ({ status: r.status, name: (await r.json<Envelope<Pkg>>()).result?.name }));
    const json = (name: string) => JSON.stringify({ ...PACKAGE(), name, title: `Arrêts ${name}` });
    expect(await post('a', { 'x-ckan-api-key': tokens.contributor! }, json('par-cle'))).toEqual({ status: 200, name: 'par-cle' });
    expect(await post('b', { authorization: tokens.contributor! }, json('brut'))).toEqual({ status: 200, name: 'brut' });
    expect(await post('c', { authorization: `Bearer ${tokens.contributor}` }, json('porteur'))).toEqual({ status: 200, name: 'porteur' });
    const form = new URLSearchParams({ name: 'formulaire', title: 'Arrêts formulaire', notes: 'Texte.', owner_org: w.lodeve, license_id: 'lov2', private: 'false' });
    expect(await post('d', { authorization: tokens.contributor! }, form, 'application/x-www-form-urlencoded')).toEqual({ status: 200, name: 'formulaire' });
  });

  it('keeps a private dataset from everyone but its organisation’s producers: search, show, organisation, DCAT', async () => {
    const { body } = await call('package_create', { ...PACKAGE(), private: true }, tokens.contributor);
    expect(body.result.private).toBe(true);
    expect(await changes()).toEqual([]); // a draft changes nothing public
    expect((await read('/api/3/action/package_show?id=arrets-bus-lodeve')).status).toBe(404);
    expect(await searchNames('q=*:*&include_private=true')).toEqual([]);
    expect(await searchNames('q=*:*&include_private=true', tokens.member)).toEqual([]);
    expect(await searchNames('q=*:*&include_private=true', tokens.colleague)).toEqual(['arrets-bus-lodeve']);
    expect((await read('/api/3/action/package_show?id=arrets-bus-lodeve', tokens.contributor)).body.result.private).toBe(true);
    const anonymousOrg = await read<{ packages: Pkg[]; users: unknown[] }>('/api/3/action/organization_show?id=commune-de-lodeve&include_datasets=true');
    expect(anonymousOrg.body.result.packages).toEqual([]);
    expect(anonymousOrg.body.result.users).toEqual([]);
    const dcat = await (await SELF.fetch(`${ORIGIN}/catalog.ttl`)).text();
    expect(dcat).not.toContain('arrets-bus-lodeve');
    expect((await SELF.fetch(`${ORIGIN}/dataset/${body.result.id}.ttl`)).status).toBe(404);
  });

  it('answers CKAN’s Validation Error (409) with a French message per field the client sent, and saves nothing', async () => {
    const bad = { ...PACKAGE(), name: 'Pas Un Nom', notes: '', tags: 'x', groups: [{ name: 'inconnue' }], extras: [{ key: 'frequency', value: 'souvent' }, { key: 'couleur', value: 'bleu' }] };
    const { status, body } = await call('package_create', bad, tokens.contributor);
    expect(status).toBe(409);
    expect(body.success).toBe(false);
    expect(body.error.__type).toBe('Validation Error');
    for (const field of ['name', 'notes', 'groups', 'extras']) expect(body.error[field], field).toEqual([expect.any(String)]);
    expect((body.error.groups as string[])[0]).toBe('Thématique inconnue : inconnue. La liste est donnée par group_list.');
    expect((body.error.notes as string[])[0]).toMatch(/descriptif/i);
    expect((await call('package_create', { ...PACKAGE(), extras: [{ key: 'frequency', value: 'souvent' }] }, tokens.contributor)).body.error.frequency)
      .toEqual(['Fréquence de mise à jour inconnue : « souvent » (ex. annual, monthly, ou un code de fréquence européen comme ANNUAL).']);
    expect((await call('package_create', { ...PACKAGE(), owner_org: undefined }, tokens.contributor)).body.error).toMatchObject({ owner_org: [expect.any(String)] });
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM datasets').first<{ n: number }>())!.n).toBe(0);

    await call('package_create', PACKAGE(), tokens.contributor);
    const again = await call('package_create', { ...PACKAGE(), title: 'Autre titre' }, tokens.contributor);
    expect(again.status).toBe(409);
    expect(again.body.error.name).toEqual([expect.stringMatching(/adresse/)]);

    const badJson = await SELF.fetch(`${ORIGIN}/api/action/package_create`, { method: 'POST', body: '{"name":', headers: { authorization: tokens.contributor! } });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatch(/^Bad request - JSON Error/);
  });

  it('refuses anonymous callers, read-only tokens and another organisation’s contributeur (403), and GET (400)', async () => {
    for (const key of [undefined, tokens.readOnly, tokens.outsider, tokens.member]) {
      const { status, body } = await call('package_create', PACKAGE(), key);
      expect(status, String(key)).toBe(403);
      expect(body.error.__type).toBe('Authorization Error');
    }
    const unknownKey = await call('package_create', PACKAGE(), 'not-a-token');
    expect(unknownKey.status).toBe(403);
    const byGet = await SELF.fetch(`${ORIGIN}/api/3/action/package_create?name=x`, { headers: { authorization: tokens.contributor! } });
    expect(byGet.status).toBe(400);
    // A browser session is not enough: writes need a token (no CSRF protection on this API).
    const { signedInCookie } = await import('./accounts-fixtures');
    const bySession = await SELF.fetch(`${ORIGIN}/api/action/package_create`, {
      method: 'POST', body: JSON.stringify(PACKAGE()), headers: { 'content-type': 'application/json', cookie: await signedInCookie(w.contributor.id) },
    });
    expect(bySession.status).toBe(403);
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM datasets').first<{ n: number }>())!.n).toBe(0);
  });
});

describe('package_update, package_patch, package_delete', () => {
  it('update replaces (left-out keys are emptied), patch changes only the given keys, the address stays', async () => {
    const first = await call('package_create', PACKAGE(), tokens.contributor);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const created = first.body.result;
    const updated = await call('package_update', { id: created.id, title: 'Arrêts de bus', notes: 'Nouveau texte.', owner_org: 'commune-de-lodeve', license_id: 'lov2' }, tokens.contributor);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.result).toMatchObject({ name: 'arrets-bus-lodeve', title: 'Arrêts de bus', notes: 'Nouveau texte.', tags: [], groups: [], author: null });

    const patched = await call('package_patch', { id: 'arrets-bus-lodeve', tags: [{ name: 'mobilité' }] }, tokens.contributor);
    expect(patched.body.result).toMatchObject({ title: 'Arrêts de bus', notes: 'Nouveau texte.', tags: [{ name: 'mobilité' }] });
    expect((await call('package_patch', { id: created.id, name: 'autre-adresse' }, tokens.contributor)).body.error.name).toEqual([expect.stringMatching(/ne change plus/)]);

    const hidden = await call('package_patch', { id: created.id, private: true }, tokens.contributor);
    expect(hidden.body.result.private).toBe(true);
    expect((await changes()).map((c) => c.reason)).toEqual(['dataset.create', 'dataset.update', 'dataset.update', 'dataset.unpublish']);
    expect((await mailsTo('referente@lodeve.fr')).map((m) => m.template)).toEqual(['dataset_created', 'dataset_updated', 'dataset_updated', 'dataset_updated']);
  });

  it('sending package_show back unchanged changes nothing in the resources; a resource left out of `resources` is deleted', async () => {
    const created = (await call('package_create', {
      ...PACKAGE(), resources: [
        { name: 'Page du réseau', url: 'https://transports.example/lodeve', format: 'HTML', resource_type: 'documentation' },
        { name: 'Horaires', url: 'https://transports.example/horaires.pdf' },
      ],
    }, tokens.contributor)).body.result;
    expect(created.resources.map((r) => [r.name, r.format, r.url, r.resource_type])).toEqual([
      ['Page du réseau', 'HTML', 'https://transports.example/lodeve', 'documentation'],
      ['Horaires', 'PDF', 'https://transports.example/horaires.pdf', 'file'],
    ]);
    const mailsBefore = (await mailsTo('referente@lodeve.fr')).length;
    const shown = (await read(`/api/3/action/package_show?id=${created.id}`, tokens.contributor)).body.result;
    const same = await call('package_update', shown, tokens.contributor);
    expect(same.status, JSON.stringify(same.body)).toBe(200);
    expect(same.body.result.resources.map((r) => r.id)).toEqual(created.resources.map((r) => r.id));
    expect((await mailsTo('referente@lodeve.fr')).map((m) => m.template).slice(mailsBefore)).toEqual(['dataset_updated']);

    const fewer = await call('package_update', { ...shown, resources: [shown.resources[1]] }, tokens.contributor);
    expect(fewer.body.result.resources.map((r) => r.name)).toEqual(['Horaires']);
  });

  it('package_delete takes the dataset out of search, show and DCAT; another organisation is refused, a hidden draft is absent', async () => {
    const created = (await call('package_create', PACKAGE(), tokens.contributor)).body.result;
    expect((await call('package_delete', { id: created.id }, tokens.outsider)).status).toBe(403);
    expect((await call('package_delete', { id: created.id }, tokens.colleague)).status).toBe(403); // not the creator
    expect((await call('package_update', { ...PACKAGE(), id: created.id }, tokens.readOnly)).status).toBe(403);
    const draft = (await call('package_create', { ...PACKAGE(), name: 'brouillon', title: 'Brouillon', private: true }, tokens.contributor)).body.result;
    const hidden = await call('package_patch', { id: draft.id, title: 'Piraté' }, tokens.outsider);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.__type).toBe('Not Found Error');

    const deleted = await call('package_delete', { id: 'arrets-bus-lodeve' }, tokens.contributor);
    expect(deleted.status).toBe(200);
    expect(deleted.body.result).toBeNull();
    expect(await searchNames('q=*:*')).toEqual([]);
    expect((await read(`/api/3/action/package_show?id=${created.id}`)).status).toBe(404);
    expect(await (await SELF.fetch(`${ORIGIN}/catalog.ttl`)).text()).not.toContain(created.id);
    expect((await changes()).map((c) => c.reason)).toEqual(['dataset.create', 'dataset.delete']);
    expect((await mailsTo('referente@lodeve.fr')).map((m) => m.template)).toContain('dataset_deleted');
    expect((await call('package_delete', { id: created.id }, tokens.contributor)).status).toBe(404);
  });
});

describe('resources', () => {
  const CSV = 'arret;commune;lignes\nGare;Lodève;1\nPlace;Lodève;2\n';
  const bytes = (text: string) => new TextEncoder().encode(text).length;

  async function upload(datasetId: string, key: string, fields: Record<string, string>, file: { name: string; bytes: string | Uint8Array }, action = 'resource_create') {
    // As ckanapi sends an upload: multipart, every value a string, the file in `upload`.
    const form = new FormData();
    for (const [k, v] of Object.entries({ package_id: datasetId, ...fields })) form.set(k, v);
    form.set('upload', new File([file.bytes], file.name));
    const response = await SELF.fetch(`${ORIGIN}/api/action/${action}`, { method: 'POST', body: form, headers: { 'x-ckan-api-key': key, authorization: key } });
    return { status: response.status, body: await response.json<Envelope<Record<string, unknown> & { id: string; url: string }>>() };
  }

  it('resource_create by multipart upload stores the file in R2, serves identical bytes, queues the ingest and mails the référents', async () => {
    const dataset = (await call('package_create', PACKAGE(), tokens.contributor)).body.result;
    const created = await upload(dataset.id, tokens.contributor!, { name: 'Arrêts', description: 'Liste des arrêts' }, { name: 'arrets.csv', bytes: CSV });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const resource = created.body.result;
    expect(resource).toMatchObject({ name: 'Arrêts', format: 'CSV', url_type: 'upload', size: bytes(CSV), package_id: dataset.id });
    expect(resource.url).toBe(`http://localhost:8787/dataset/${dataset.id}/resource/${resource.id}/download/arrets.csv`);
    const keys = (await env.FILES.list({ prefix: `resources/${resource.id}/` })).objects;
    expect(keys).toHaveLength(1);
    const served = await SELF.fetch(`${ORIGIN}${new URL(resource.url).pathname}`);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(CSV);
    const queued = await env.DATASTORE.prepare('SELECT job_state FROM datastore_resources WHERE resource_id = ?').bind(resource.id).first<{ job_state: string }>();
    expect(queued?.job_state).toBeTruthy();
    expect((await mailsTo('referente@lodeve.fr')).map((m) => m.template)).toContain('resource_created');
    expect((await changes()).map((c) => c.reason)).toEqual(['dataset.create', 'resource created']);

    // A content that contradicts its name is refused as the form refuses it; nothing is left in R2.
    const refused = await upload(dataset.id, tokens.contributor!, { name: 'Faux' }, { name: 'faux.pdf', bytes: CSV });
    expect(refused.status).toBe(409);
    expect(refused.body.error.upload).toEqual([expect.stringMatching(/PDF|pdf|contenu|format/)]);
    expect((await env.FILES.list()).objects).toHaveLength(1);
  });

  it('a URL copied on a schedule is fetched once (a sync run) and scheduled; a private address is refused (SSRF)', async () => {
    const dataset = (await call('package_create', PACKAGE(), tokens.contributor)).body.result;
    await putServedFile('horaires.csv', CSV, 'text/csv', { etag: '"horaires-1"', lastModified: 'Mon, 04 Mar 2030 08:00:00 GMT' });
    const created = await call<Record<string, unknown> & { id: string }>('resource_create', {
      package_id: dataset.id, name: 'Horaires', url: `${FILES}/files/horaires.csv`, source_mode: 'url_download', sync_frequency: 'daily',
    }, tokens.contributor);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const row = await env.DB.prepare('SELECT source_mode, source_url, sync_frequency, file_key, format FROM resources WHERE id = ?').bind(created.body.result.id).first();
    expect(row).toMatchObject({ source_mode: 'url_download', source_url: `${FILES}/files/horaires.csv`, sync_frequency: 'daily', format: 'CSV' });
    expect(await (await env.FILES.get(row!.file_key as string))!.text()).toBe(CSV);
    const runs = await env.DB.prepare('SELECT result FROM resource_sync_runs WHERE resource_id = ?').bind(created.body.result.id).all();
    expect(runs.results).toEqual([{ result: 'updated' }]);
    // The validators the cron will send back (If-None-Match / If-Modified-Since) are kept with the version.
    expect(await env.DB.prepare('SELECT source_url, etag, last_modified FROM resource_versions WHERE resource_id = ?').bind(created.body.result.id).first())
      .toEqual({ source_url: `${FILES}/files/horaires.csv`, etag: '"horaires-1"', last_modified: 'Mon, 04 Mar 2030 08:00:00 GMT' });

    const ssrf = await call('resource_create', { package_id: dataset.id, url: 'http://127.0.0.1:9/x.csv', source_mode: 'url_download' }, tokens.contributor);
    expect(ssrf.status).toBe(409);
    expect(ssrf.body.error.url).toEqual([expect.stringContaining('127.0.0.1')]);
    const scheme = await call('resource_create', { package_id: dataset.id, url: 'ftp://ftp.example/x.csv' }, tokens.contributor);
    expect(scheme.body.error.url).toEqual([expect.any(String)]);
    expect((await call('resource_create', { package_id: dataset.id, name: 'Rien' }, tokens.contributor)).body.error.url).toEqual([expect.stringContaining('upload')]);
  });

  it('resource_update replaces, resource_patch keeps the rest, access levels apply, resource_delete removes the files', async () => {
    const dataset = (await call('package_create', PACKAGE(), tokens.contributor)).body.result;
    const created = (await upload(dataset.id, tokens.contributor!, { name: 'Arrêts', description: 'Liste' }, { name: 'arrets.csv', bytes: CSV })).body.result;
    const patched = await call('resource_patch', { id: created.id, description: 'Liste complète' }, tokens.contributor);
    expect(patched.body.result).toMatchObject({ name: 'Arrêts', description: 'Liste complète', url: created.url, format: 'CSV' });
    const shown = (await read<Record<string, unknown>>(`/api/3/action/resource_show?id=${created.id}`, tokens.contributor)).body.result;
    const updated = await call('resource_update', { ...shown, name: 'Arrêts 2026', description: undefined }, tokens.contributor);
    expect(updated.body.result).toMatchObject({ name: 'Arrêts 2026', description: '', url: created.url, url_type: 'upload' });
    const replaced = await upload(dataset.id, tokens.contributor!, { id: created.id, name: 'Arrêts 2027' }, { name: 'arrets.csv', bytes: `${CSV}Mairie;Lodève;3\n` }, 'resource_update');
    expect(replaced.body.result).toMatchObject({ id: created.id, name: 'Arrêts 2027', size: bytes(CSV) + bytes('Mairie;Lodève;3\n') });
    expect((await env.FILES.list({ prefix: `resources/${created.id}/` })).objects).toHaveLength(2);

    const unknownUser = await call('resource_patch', { id: created.id, access_level: 'listed_users', allowed_users: ['personne'] }, tokens.contributor);
    expect(unknownUser.status).toBe(409);
    expect(unknownUser.body.error.allowed_users).toEqual([expect.stringContaining('personne')]);
    const restricted = await call('resource_patch', { id: created.id, access_level: 'same_organization' }, tokens.contributor);
    expect(restricted.body.result.access_level).toBe('same_organization');
    expect((await SELF.fetch(`${ORIGIN}${new URL(created.url).pathname}`)).status).not.toBe(200); // anonymous, now restricted
    expect((await call('resource_patch', { id: created.id, name: 'Arrêts (vérifié)' }, tokens.referent)).body.result.name).toBe('Arrêts (vérifié)');
    expect((await call('resource_patch', { id: created.id, name: 'x' }, tokens.outsider)).status).toBe(403);

    const deleted = await call('resource_delete', { id: created.id }, tokens.contributor);
    expect(deleted.status).toBe(200);
    expect((await env.FILES.list({ prefix: `resources/${created.id}/` })).objects).toEqual([]);
    expect((await read(`/api/3/action/resource_show?id=${created.id}`)).status).toBe(404);
    expect((await mailsTo('referente@lodeve.fr')).map((m) => m.template)).toContain('resource_deleted');
  });
});

describe('organization_show for members', () => {
  it('lists the organisation’s people and its drafts to its members; others see neither', async () => {
    await call('package_create', { ...PACKAGE(), private: true }, tokens.contributor);
    const asReferent = (await read<{ users: { name: string; capacity: string }[]; packages: Pkg[] }>('/api/3/action/organization_show?id=commune-de-lodeve&include_datasets=true', tokens.referent)).body.result;
    expect(asReferent.packages.map((p) => p.name)).toEqual(['arrets-bus-lodeve']);
    expect(asReferent.users.map((u) => [u.name, u.capacity])).toEqual([['collegue', 'editor'], ['contributrice', 'editor'], ['membre', 'member'], ['referente', 'admin']]);
    const asOutsider = (await read<{ users: unknown[]; packages: Pkg[] }>('/api/3/action/organization_show?id=commune-de-lodeve&include_datasets=true', tokens.outsider)).body.result;
    expect(asOutsider).toMatchObject({ users: [], packages: [] });
  });
});
