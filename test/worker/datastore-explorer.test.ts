// The explorer's Worker side: ingest queued by the contributor form, the loading page, the resource page and its
// island configuration, saved default views (CRUD under can() and CSRF), restricted resources, chart and extent
// queries through the SQL sandbox, and "données requêtables" in the snapshot.
import { env, SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { chartSql } from '../../worker/src/domain/datastore-chart';
import { extentSql } from '../../worker/src/domain/datastore-geo';
import { readEntry } from '../../worker/src/store/datastore';
import { anonymousCookie, createUser, ORIGIN, postForm, signedInCookie } from './accounts-fixtures';
import { action, runIngest } from './datastore-fixtures';
import { OPERATOR } from './fixtures';
import { createDataset, createOrganization, postResourceForm } from './publish-resources-fixtures';

const CSV = 'commune,departement,population,latitude,longitude\nMontpellier,34,302454,"43,61","3,88"\nNîmes,30,148104,"43,84","4,36"\n'
  + 'Béziers,34,79041,"43,34","3,22"\nAlès,30,42571,"44,12","4,08"\n';

let org: string;
let datasetId: string;
let contributor: string;
let referente: string;
let outsider: string;

beforeEach(async () => {
  const objects = (await env.FILES.list()).objects.map((o) => o.key);
  if (objects.length) await env.FILES.delete(objects);
  org = await createOrganization('commune-de-lodeve', 'Commune de Lodève');
  const other = await createOrganization('commune-de-sete', 'Commune de Sète');
  const creator = await createUser({ username: 'agent', memberships: [{ organizationId: org, role: 'member' }, { organizationId: org, role: 'contributor' }] });
  const ref = await createUser({ username: 'referente', memberships: [{ organizationId: org, role: 'referent' }] });
  const out = await createUser({ username: 'voisin', memberships: [{ organizationId: other, role: 'contributor' }] });
  datasetId = await createDataset({ organizationId: org, creatorUserId: creator.id });
  contributor = await signedInCookie(creator.id);
  referente = await signedInCookie(ref.id);
  outsider = await signedInCookie(out.id);
});

/** Publishes the CSV through the contributor form; returns the new resource's id (not yet ingested). */
async function publish(cookie = contributor, access = 'public', bytes = CSV): Promise<string> {
  const response = await postResourceForm(`/user/datasets/${datasetId}/resources/new`, { title: 'Communes', resource_type: 'raw', mode: 'upload', access_level: access },
    cookie, { name: 'communes.csv', bytes, type: 'text/csv' });
  expect(response.status).toBe(303);
  return /resources\/([^/]+)\/edit/.exec(response.headers.get('location')!)![1]!;
}

const page = (path: string, cookie?: string) => SELF.fetch(`${ORIGIN}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
const config = (text: string) => {
  const match = /<script type="application\/json" data-explorer-config>(.*?)<\/script>/s.exec(text);
  return match ? JSON.parse(match[1]!) : null;
};
const viewPath = (id: string) => `/api/datastore/${id}/view`;
const VIEW = { chart: { type: 'bar', x: 'departement', series: ['population'], aggregation: 'sum' }, title: 'Population par département' };

describe('publishing a tabular file through the contributor form', () => {
  it('queues the ingest, shows the progress then the French report to the dataset’s contributors only', async () => {
    const id = await publish();
    expect((await readEntry(env.DATASTORE, id))?.jobState).toBe('queued');
    const progressPath = `/user/datasets/${datasetId}/resources/${id}/datastore`;
    expect(await (await page(`/user/datasets/${datasetId}/resources/${id}/edit`, contributor)).text()).toContain(`href="${progressPath}">Chargement dans le datastore</a>`);
    const waiting = await (await page(progressPath, contributor)).text();
    expect(waiting).toContain('En attente de chargement');
    expect(waiting).toContain('<progress');
    expect(waiting).toContain('/scripts/datastore-progress.js');

    const changesBefore = (await env.DB.prepare('SELECT COUNT(*) AS n FROM catalogue_changes').first<{ n: number }>())!.n;
    await runIngest(id);
    // The dataset page shows "données requêtables": the served table is a catalogue change.
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM catalogue_changes').first<{ n: number }>())!.n).toBe(changesBefore + 1);
    const done = await (await page(progressPath, contributor)).text();
    expect(done).toContain('Données requêtables');
    expect(done).toContain('Rapport de chargement');
    expect(done).toMatch(/<td>population<\/td><td><code>population<\/code><\/td><td>entier<\/td>/);
    expect(done).toMatch(/<td>latitude<\/td><td><code>latitude<\/code><\/td><td>décimal<\/td>/);
    expect(done).toContain(`href="/dataset/${datasetId}/resource/${id}"`);
    expect(done).not.toContain('/scripts/datastore-progress.js');

    expect((await page(progressPath, outsider)).status).toBe(403);
    expect((await page(progressPath)).status).toBe(303);
  });
});

describe('the resource page', () => {
  it('embeds the explorer for anyone who may read the rows; only contributors get the token to save a view', async () => {
    const id = await publish();
    await runIngest(id);
    const slug = (await env.DB.prepare('SELECT slug FROM datasets WHERE id = ?').bind(datasetId).first<{ slug: string }>())!.slug;
    const anonymous = await page(`/dataset/${slug}/resource/${id}`);
    expect(anonymous.status).toBe(200);
    const html = await anonymous.text();
    expect(html).toContain('<h1>Communes</h1>');
    expect(html).toContain('/scripts/explorer.js');
    const island = config(html);
    expect(island).toMatchObject({ resourceId: id, rowCount: 4, view: null, csrf: null });
    expect(island.fields.map((f: { id: string; type: string }) => `${f.id}:${f.type}`))
      .toEqual(['commune:text', 'departement:integer', 'population:integer', 'latitude:decimal', 'longitude:decimal']);
    expect(island.strings['datastore.explorer.cluster']).toBe('Marqueurs de regroupement');

    expect(config(await (await page(`/dataset/${datasetId}/resource/${id}`, outsider)).text()).csrf).toBeNull();
    expect(config(await (await page(`/dataset/${datasetId}/resource/${id}`, contributor)).text()).csrf).toMatch(/^[a-z2-7]{32}$/);
    expect((await page(`/dataset/${datasetId}/resource/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  });

  it('embeds the explorer of a 150-column resource, whose view may chart columns of its second table', async () => {
    const header = ['commune', ...Array.from({ length: 148 }, (_, i) => `annee_${1901 + i}`), 'departement'];
    const rows = ['Montpellier', 'Nîmes', 'Béziers'].map((c, r) => [c, ...Array.from({ length: 148 }, (_, i) => String(r * 1000 + i)), r === 1 ? '30' : '34']);
    const id = await publish(contributor, 'public', [header, ...rows].map((row) => row.join(',')).join('\n'));
    await runIngest(id);
    const island = config(await (await page(`/dataset/${datasetId}/resource/${id}`)).text());
    expect(island.fields).toHaveLength(150);
    expect(island.fields[149]).toMatchObject({ id: 'departement', type: 'integer' });
    const view = { chart: { type: 'bar', x: 'departement', series: ['annee_2048'], aggregation: 'sum' }, title: '2048' };
    expect((await postForm(viewPath(id), { view: JSON.stringify(view) }, contributor)).status).toBe(200);
    const { body } = await action('datastore_search_sql', { sql: chartSql(view.chart as never, id) });
    expect(body.result.records).toEqual([{ x: 34, s0: 147 + 2147 }, { x: 30, s0: 1147 }]);
  });

  it('hides a draft dataset’s resource from visitors', async () => {
    const id = await publish();
    await env.DB.prepare('UPDATE datasets SET published = 0 WHERE id = ?').bind(datasetId).run();
    expect((await page(`/dataset/${datasetId}/resource/${id}`)).status).toBe(404);
    expect((await page(`/dataset/${datasetId}/resource/${id}`, contributor)).status).toBe(200);
  });
});

describe('saved default view', () => {
  it('is saved, read, replaced and removed by those who may edit the dataset, and shown first on the page', async () => {
    const id = await publish();
    await runIngest(id);
    const saved = await postForm(viewPath(id), { view: JSON.stringify(VIEW) }, contributor);
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ view: VIEW });
    expect(await (await page(viewPath(id))).json()).toEqual({ view: VIEW });
    expect(config(await (await page(`/dataset/${datasetId}/resource/${id}`)).text()).view).toEqual(VIEW);

    const pie = { chart: { type: 'pie', x: 'departement', series: [], aggregation: 'count' }, title: '' };
    expect((await postForm(viewPath(id), { view: JSON.stringify(pie) }, referente)).status).toBe(200);
    expect(await (await page(viewPath(id))).json()).toEqual({ view: pie });

    expect((await postForm(`${viewPath(id)}/delete`, {}, contributor)).status).toBe(200);
    expect(await (await page(viewPath(id))).json()).toEqual({ view: null });
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE object_id = ? AND action LIKE 'resource.view.%' ORDER BY id").bind(id).all<{ action: string }>();
    expect(audit.results.map((a) => a.action)).toEqual(['resource.view.saved', 'resource.view.saved', 'resource.view.deleted']);
  });

  it('is refused to visitors, to other organisations, without the CSRF token, and with a precise French message when invalid', async () => {
    const id = await publish();
    await runIngest(id);
    const body = { view: JSON.stringify(VIEW) };
    expect((await postForm(viewPath(id), body, anonymousCookie)).status).toBe(401);
    const other = await postForm(viewPath(id), body, outsider);
    expect(other.status).toBe(403);
    expect((await other.json<{ error: { message: string } }>()).error.message).toContain('Seuls les contributeurs du jeu de données');
    expect((await postForm(viewPath(id), body, contributor, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await postForm(viewPath(id), { ...body, _csrf: 'x'.repeat(32) }, contributor)).status).toBe(403);
    expect((await postForm(`${viewPath(id)}/delete`, {}, outsider)).status).toBe(403);

    const sumOfText = await postForm(viewPath(id), { view: JSON.stringify({ ...VIEW, chart: { ...VIEW.chart, series: ['commune'] } }) }, contributor);
    expect(sumOfText.status).toBe(400);
    expect((await sumOfText.json<{ error: { message: string } }>()).error.message)
      .toBe('La colonne « commune » n’est pas numérique : elle ne peut être sommée ni moyennée ; choisissez l’agrégation « nombre ».');
    const garbled = await postForm(viewPath(id), { view: '{"chart":' }, contributor);
    expect(garbled.status).toBe(400);
    expect(await (await page(viewPath(id))).json()).toEqual({ view: null });
  });

  it('cannot be saved before the resource is queryable', async () => {
    const id = await publish();
    const early = await postForm(viewPath(id), { view: JSON.stringify(VIEW) }, contributor);
    expect(early.status).toBe(409);
    expect((await early.json<{ error: { message: string } }>()).error.message).toBe('Cette ressource n’est pas requêtable : il n’y a pas de vue à enregistrer.');
  });
});

describe('a restricted resource', () => {
  it('keeps its rows, its view and its explorer from those can() refuses', async () => {
    const id = await publish(referente, 'same_organization');
    await runIngest(id);
    expect((await postForm(viewPath(id), { view: JSON.stringify(VIEW) }, contributor)).status).toBe(200);

    expect((await page(viewPath(id))).status).toBe(403);
    expect((await page(viewPath(id), outsider)).status).toBe(403);
    expect((await page(viewPath(id), contributor)).status).toBe(200);
    const visitor = await (await page(`/dataset/${datasetId}/resource/${id}`)).text();
    expect(visitor).toContain('L’accès à cette ressource est restreint');
    expect(config(visitor)).toBeNull();
    expect(visitor).not.toContain('/download/');
    expect((await action('datastore_search_sql', { sql: chartSql(VIEW.chart as never, id) })).status).toBe(403);
    expect(config(await (await page(`/dataset/${datasetId}/resource/${id}`, contributor)).text())?.rowCount).toBe(4);
  });
});

describe('queries of the chart builder and the map', () => {
  it('run in the SQL sandbox: sums by category and the coordinates’ extent', async () => {
    const id = await publish();
    await runIngest(id);
    const sums = await action('datastore_search_sql', { sql: chartSql({ type: 'bar', x: 'departement', series: ['population'], aggregation: 'sum' }, id) });
    expect(sums.status).toBe(200);
    expect(sums.body.result.records).toEqual([{ x: 34, s0: 381495 }, { x: 30, s0: 190675 }]);
    const counts = await action('datastore_search_sql', { sql: chartSql({ type: 'line', x: 'departement', series: [], aggregation: 'count' }, id) });
    expect(counts.body.result.records).toEqual([{ x: 30, s0: 2 }, { x: 34, s0: 2 }]);
    const extent = await action('datastore_search_sql', { sql: extentSql(id, { kind: 'point', lat: 'latitude', lon: 'longitude' }) });
    expect(extent.body.result.records).toEqual([{ lat_min: 43.34, lat_max: 44.12, lon_min: 3.22, lon_max: 4.36 }]);
  });
});

describe('the snapshot', () => {
  it('marks open queryable resources as "données requêtables", never restricted ones', async () => {
    const open = await publish();
    const closed = await publish(referente, 'same_organization');
    await runIngest(open, closed);
    const snapshot = await (await SELF.fetch(`${ORIGIN}/api/internal/catalogue/snapshot`, { headers: OPERATOR })).json<{
      datasets: Array<{ id: string; resources: Array<{ id: string; datastore: unknown }> }> }>();
    const resources = snapshot.datasets.find((d) => d.id === datasetId)!.resources;
    expect(resources.find((r) => r.id === open)!.datastore).toEqual({ rows: 4, columns: 5 });
    expect(resources.find((r) => r.id === closed)!.datastore).toBeNull();
  });
});
