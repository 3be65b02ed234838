// The CKAN Action API read side, against the real Worker in workerd (ckan-compat §2 and §5).
import { SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DS_DRAFT, DS_PUBLIC, DS_RESTRICTED, ORG_REGION, OPERATOR, RES_CSV, RES_LINK, RES_SECRET, fixtureCatalogue, importCatalogue,
} from './fixtures';
import { udataSchemaErrors } from './ckan-udata-schema';

const SITE = 'http://localhost:8787'; // PORTAL_PUBLIC_URL of wrangler.toml

interface Envelope<T = unknown> { help: string; success: boolean; result: T; error?: Record<string, unknown> }
type Pkg = Record<string, unknown> & { id: string; name: string; resources: Record<string, unknown>[] };
interface SearchResult { count: number; results: Pkg[]; facets: Record<string, Record<string, number>>; search_facets: Record<string, { items: { name: string; display_name: string; count: number }[] }>; sort: string }

async function get<T>(path: string, init?: RequestInit): Promise<{ status: number; body: Envelope<T>; response: Response }> {
  const response = await SELF.fetch(`https://portal.test${path}`, { redirect: 'manual', ...init });
  return { status: response.status, body: await response.json<Envelope<T>>(), response };
}

const searchNames = async (query: string) =>
  (await get<SearchResult>(`/api/3/action/package_search?${query}`)).body.result.results.map((p) => p.name).sort();

beforeEach(async () => {
  expect((await importCatalogue(fixtureCatalogue())).status).toBe(201);
});

describe('CKAN envelope and routing', () => {
  it('answers on /api/3/action and /api/action with the same JSON envelope, whatever the Accept header, without redirect', async () => {
    for (const path of ['/api/3/action/package_list', '/api/action/package_list']) {
      const { status, body, response } = await get<string[]>(path, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
      expect(status).toBe(200);
      expect(response.headers.get('content-type')?.split(';')[0]).toBe('application/json');
      expect(body).toEqual({ help: `${SITE}/api/3/action/help_show?name=package_list`, success: true, result: ['population-communes', 'reseau-eau-potable'] });
    }
  });

  it('accepts a body-less GET carrying content-type application/json, as udata sends it', async () => {
    const { status, body } = await get('/api/3/action/package_list', { headers: { 'content-type': 'application/json', 'user-agent': 'uData/0.1 ckan' } });
    expect(status).toBe(200);
    expect(body.success).toBe(true);
  });

  it('answers an unknown action with 400 and a bare JSON string', async () => {
    const response = await SELF.fetch('https://portal.test/api/3/action/site_read');
    expect(response.status).toBe(400);
    expect(await response.json()).toBe('Bad request - Action name not known: site_read');
  });

  it('refuses writes: GET asks for POST, POST is an Authorization Error', async () => {
    const byGet = await SELF.fetch('https://portal.test/api/3/action/package_create');
    expect(byGet.status).toBe(400);
    expect(await byGet.json()).toContain('Please use POST method');
    const byPost = await SELF.fetch('https://portal.test/api/action/package_create', { method: 'POST', body: '{"name":"x"}', headers: { 'content-type': 'application/json' } });
    expect(byPost.status).toBe(403);
    expect(await byPost.json()).toMatchObject({ success: false, error: { __type: 'Authorization Error' } });
  });

  it('takes POST JSON bodies, form fields and a single form key holding JSON', async () => {
    const post = (body: BodyInit, type: string) => SELF.fetch('https://portal.test/api/action/package_show', { method: 'POST', body, headers: { 'content-type': type } });
    for (const response of [
      await post(JSON.stringify({ id: 'population-communes' }), 'application/json'),
      await post('id=population-communes', 'application/x-www-form-urlencoded'),
      await post(`${encodeURIComponent('{"id":"population-communes"}')}=`, 'application/x-www-form-urlencoded'),
    ]) {
      expect(response.status).toBe(200);
      expect((await response.json<Envelope<Pkg>>()).result.id).toBe(DS_PUBLIC);
    }
  });

  it('answers ckanapi POSTs with both key headers, as anonymous when the key is unknown', async () => {
    const response = await SELF.fetch('https://portal.test/api/action/package_search', {
      method: 'POST', body: JSON.stringify({ q: 'organization:region-test', rows: 1000 }),
      headers: { 'content-type': 'application/json', 'user-agent': 'ckanapi/4.8', 'x-ckan-api-key': 'unknown-key', authorization: 'unknown-key' },
    });
    expect(response.status).toBe(200);
    const body = await response.json<Envelope<SearchResult>>();
    expect(body.result.count).toBe(2);
  });

  it('refuses bad JSON with a bare string and a non-object body likewise', async () => {
    const bad = await SELF.fetch('https://portal.test/api/action/package_list', { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatch(/^Bad request - JSON Error/);
    const list = await SELF.fetch('https://portal.test/api/action/package_list', { method: 'POST', body: '[1]', headers: { 'content-type': 'application/json' } });
    expect(list.status).toBe(400);
  });

  it('tells the API version at /api and /api/3', async () => {
    expect(await (await SELF.fetch('https://portal.test/api/3')).json()).toEqual({ version: 3 });
  });

  it('wraps the answer for a JSONP callback', async () => {
    const response = await SELF.fetch('https://portal.test/api/3/action/package_list?callback=cb&_=123');
    expect(response.headers.get('content-type')).toContain('application/javascript');
    expect(await response.text()).toMatch(/^cb\(\{"help":.*"success":true/);
  });
});

describe('package_show and resource_show', () => {
  it('returns every key of data.gouv.fr’s schema with real ints, string formats and absolute URLs', async () => {
    const { body } = await get<Pkg>(`/api/3/action/package_show?id=population-communes`);
    expect(udataSchemaErrors(body.result)).toEqual([]);
    expect(body.result).toMatchObject({
      id: DS_PUBLIC, name: 'population-communes', type: 'dataset', private: false, license_id: 'lov2', num_resources: 2, num_tags: 2,
      organization: { id: ORG_REGION, name: 'region-test', title: 'Région Test', description: 'Une région.', image_url: '' },
      groups: [{ name: 'administration-et-action-publique' }],
    });
    expect(body.result.metadata_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const [csv, link] = body.result.resources;
    expect(csv).toMatchObject({ id: RES_CSV, position: 0, format: 'CSV', url_type: 'upload', resource_type: 'file', url: `${SITE}/dataset/${DS_PUBLIC}/resource/${RES_CSV}/download/population.csv` });
    expect(link).toMatchObject({ id: RES_LINK, position: 1, resource_type: 'documentation', url: 'https://producteur.example/population' });
  });

  it('finds a dataset by id as by name, and keeps its ids stable across re-imports', async () => {
    const byName = (await get<Pkg>('/api/3/action/package_show?id=population-communes')).body.result;
    await importCatalogue(fixtureCatalogue());
    const byId = (await get<Pkg>(`/api/3/action/package_show?id=${DS_PUBLIC}`)).body.result;
    expect(byId.id).toBe(byName.id);
    expect(byId.resources.map((r) => r.id)).toEqual(byName.resources.map((r) => r.id));
    expect((byId.tags as { id: string }[]).map((t) => t.id)).toEqual((byName.tags as { id: string }[]).map((t) => t.id));
  });

  it('answers with the catalogue as changed by the latest publish', async () => {
    expect((await get<Pkg>('/api/3/action/package_show?id=population-communes')).body.result.title).toBe('Population des communes');
    const catalogue = fixtureCatalogue();
    catalogue.datasets[0]!.title = 'Population légale des communes';
    expect((await importCatalogue(catalogue)).status).toBe(201);
    expect((await get<Pkg>('/api/3/action/package_show?id=population-communes')).body.result.title).toBe('Population légale des communes');
  });

  it('lists a restricted resource with the portal’s download URL, which checks access', async () => {
    const { body } = await get<Pkg>(`/api/3/action/package_show?id=${DS_RESTRICTED}`);
    const url = body.result.resources[0]!.url as string;
    expect(url).toBe(`${SITE}/dataset/${DS_RESTRICTED}/resource/${RES_SECRET}/download/secret.csv`);
    expect((await SELF.fetch(url.replace(SITE, 'https://portal.test'))).status).toBe(401);
  });

  it('answers a draft as not found to anonymous callers and shows it to the operator', async () => {
    const anonymous = await get(`/api/3/action/package_show?id=${DS_DRAFT}`);
    expect(anonymous.status).toBe(404);
    expect(anonymous.body).toMatchObject({ success: false, error: { __type: 'Not Found Error', message: 'Not found' } });
    const operator = await get<Pkg>(`/api/3/action/package_show?id=${DS_DRAFT}`, { headers: OPERATOR });
    expect(operator.status).toBe(200);
    expect(operator.body.result.private).toBe(true);
  });

  it('answers a missing id with a 409 Validation Error naming name_or_id', async () => {
    const { status, body } = await get('/api/3/action/package_show');
    expect(status).toBe(409);
    expect(body.error).toEqual({ name_or_id: ['Missing value'], __type: 'Validation Error' });
  });

  it('tolerates the extra keys ckanapi dump sends', async () => {
    const { status } = await get('/api/3/action/package_show?id=population-communes&include_datasets=true&include_password_hash=true&include_users=false');
    expect(status).toBe(200);
  });

  it('shows a resource of a visible dataset and hides one of a draft', async () => {
    const shown = await get<Record<string, unknown>>(`/api/3/action/resource_show?id=${RES_LINK}`);
    expect(shown.body.result).toMatchObject({ id: RES_LINK, package_id: DS_PUBLIC, position: 1 });
    expect((await get('/api/3/action/resource_show?id=2d2f5a7e-5d0c-4b8e-9c55-0a6f0d7c1c04')).status).toBe(404);
  });
});

describe('package_search', () => {
  it('filters by organisation, tag and exclusion in q, as udata sends them', async () => {
    expect(await searchNames('q=organization:region-test&rows=1000')).toEqual(['population-communes', 'reseau-eau-potable']);
    expect(await searchNames('q=-organization:region-test&rows=1000')).toEqual([]);
    expect(await searchNames('q=tags:eau&rows=1000')).toEqual(['reseau-eau-potable']);
    expect(await searchNames(`q=${encodeURIComponent('organization:region-test AND -tags:eau')}&rows=1000`)).toEqual(['population-communes']);
  });

  it('understands fq with OR, parentheses, quotes, *:*, date ranges and free text', async () => {
    expect(await searchNames(`fq=${encodeURIComponent('(groups:biodiversite-et-eau OR groups:agriculture)')}`)).toEqual(['reseau-eau-potable']);
    expect(await searchNames(`q=*:*&fq=${encodeURIComponent('name:"population-communes"')}`)).toEqual(['population-communes']);
    expect(await searchNames(`fq=${encodeURIComponent('metadata_modified:[2000-01-01T00:00:00Z TO *]')}`)).toEqual(['population-communes', 'reseau-eau-potable']);
    expect(await searchNames(`fq=${encodeURIComponent('metadata_modified:[2999-01-01T00:00:00Z TO *]')}`)).toEqual([]);
    expect(await searchNames('q=potable')).toEqual(['reseau-eau-potable']);
    expect(await searchNames('q=Réseau+eau')).toEqual(['reseau-eau-potable']);
    expect(await searchNames(`fq=${encodeURIComponent('res_format:CSV -organization:commune-test')}`)).toEqual(['population-communes', 'reseau-eau-potable']);
  });

  it('clamps rows to 1000, pages with start and returns nothing past the end', async () => {
    const all = await get<SearchResult>('/api/3/action/package_search?rows=5000&sort=name+asc');
    expect(all.status).toBe(200);
    expect(all.body.result.count).toBe(2);
    const second = await get<SearchResult>('/api/3/action/package_search?rows=1&start=1&sort=name+asc');
    expect(second.body.result.results.map((p) => p.name)).toEqual(['reseau-eau-potable']);
    const past = await get<SearchResult>('/api/3/action/package_search?rows=10&start=10');
    expect(past.body.result).toMatchObject({ count: 2, results: [] });
  });

  it('sorts by id, name and metadata_modified', async () => {
    const ids = (await get<SearchResult>('/api/3/action/package_search?sort=id+asc')).body.result.results.map((p) => p.id);
    expect(ids).toEqual([DS_PUBLIC, DS_RESTRICTED].sort());
    const names = (await get<SearchResult>('/api/3/action/package_search?sort=name+desc')).body.result.results.map((p) => p.name);
    expect(names).toEqual(['reseau-eau-potable', 'population-communes']);
    expect((await get<SearchResult>('/api/3/action/package_search?sort=metadata_modified+desc')).body.result.sort).toBe('metadata_modified desc');
  });

  it('counts facets with display names, limit and mincount', async () => {
    const field = encodeURIComponent(JSON.stringify(['organization', 'groups', 'res_format']));
    const { body } = await get<SearchResult>(`/api/3/action/package_search?facet.field=${field}&facet.limit=1&rows=0`);
    expect(body.result.facets.organization).toEqual({ 'region-test': 2 });
    expect(body.result.search_facets.organization!.items).toEqual([{ name: 'region-test', display_name: 'Région Test', count: 2 }]);
    expect(body.result.facets.res_format).toEqual({ CSV: 2 });
    expect(Object.keys(body.result.facets.groups!)).toHaveLength(1);
    const none = await get<SearchResult>(`/api/3/action/package_search?facet.field=${encodeURIComponent('["groups"]')}&facet.mincount=2`);
    expect(none.body.result.facets.groups).toEqual({});
  });

  it('refuses unknown parameters, bad sorts and bad syntax with a 400 Search Query Error', async () => {
    for (const query of ['colour=blue', 'sort=colour+asc', `q=${encodeURIComponent('(organization:x')}`]) {
      const { status, body } = await get(`/api/3/action/package_search?${query}`);
      expect(status, query).toBe(400);
      expect(body.error?.__type, query).toBe('Search Query Error');
    }
    const rows = await get('/api/3/action/package_search?rows=abc');
    expect(rows.status).toBe(409);
    expect(rows.body.error).toMatchObject({ rows: ['Invalid integer'] });
  });

  it('includes drafts only with include_private and only for actors who may see them', async () => {
    const anonymous = await get<SearchResult>('/api/3/action/package_search?include_private=true');
    expect(anonymous.body.result.results.map((p) => p.id)).not.toContain(DS_DRAFT);
    const operatorDefault = await get<SearchResult>('/api/3/action/package_search', { headers: OPERATOR });
    expect(operatorDefault.body.result.results.map((p) => p.id)).not.toContain(DS_DRAFT);
    const operator = await get<SearchResult>('/api/3/action/package_search?include_private=true', { headers: OPERATOR });
    expect(operator.body.result.results.map((p) => p.id)).toContain(DS_DRAFT);
  });
});

describe('lists and other read actions', () => {
  it('never lists a draft in package_list, current_package_list_with_resources or tag_list', async () => {
    const everything = JSON.stringify([
      (await get('/api/3/action/package_list')).body,
      (await get('/api/3/action/current_package_list_with_resources?limit=100')).body,
      (await get('/api/3/action/tag_list?all_fields=true')).body,
      (await get('/api/3/action/organization_show?id=region-test&include_datasets=true')).body,
    ]);
    expect(everything).not.toContain(DS_DRAFT);
    expect(everything).not.toContain('brouillon-budget');
  });

  it('lists organisations and thématiques as names or full dicts, and shows each with its count', async () => {
    expect((await get('/api/3/action/organization_list')).body.result).toEqual(['commune-test', 'region-test']);
    const orgs = (await get<Record<string, unknown>[]>('/api/3/action/organization_list?all_fields=true&sort=package_count+desc')).body.result;
    expect(orgs[0]).toMatchObject({ name: 'region-test', package_count: 2, is_organization: true, type: 'organization' });
    const groups = (await get<{ name: string; display_name: string }[]>('/api/3/action/group_list?all_fields=true&limit=100')).body.result;
    expect(groups).toHaveLength(14);
    expect(groups.find((g) => g.name === 'biodiversite-et-eau')?.display_name).toBe('Biodiversité et eau');
    const group = await get<Record<string, unknown>>('/api/3/action/group_show?id=biodiversite-et-eau&include_datasets=true');
    expect(group.body.result).toMatchObject({ package_count: 1, is_organization: false, packages: [{ id: DS_RESTRICTED }] });
    expect((await get('/api/3/action/group_show?id=region-test')).status).toBe(404);
    expect((await get(`/api/3/action/organization_show?id=${ORG_REGION}`)).body.result).toMatchObject({ name: 'region-test', package_count: 2 });
  });

  it('lists tags, licences, the status and the help of an action', async () => {
    expect((await get('/api/3/action/tag_list')).body.result).toEqual(['communes', 'eau', 'population']);
    expect((await get('/api/3/action/tag_list?query=eau')).body.result).toEqual(['eau']);
    const licences = (await get<{ id: string; title: string }[]>('/api/3/action/license_list')).body.result;
    expect(licences.map((l) => l.id)).toContain('lov2');
    expect((await get('/api/3/action/status_show')).body.result).toMatchObject({ site_url: SITE, locale_default: 'fr', ckan_version: '2.11.5' });
    expect((await get<string>('/api/3/action/help_show?name=package_search')).body.result).toContain('facet.field');
    expect((await get('/api/3/action/help_show?name=nope')).status).toBe(404);
  });
});
