// Each harvesting client's exact request sequence (ckan-compat §1.2, §3) replayed against the Worker, over the
// demo catalogue plus enough derived datasets to need several pages of 100.
import { SELF } from 'cloudflare:test';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import demo from '../../content/demo/catalogue.json';
import { catalogueImport, referencedFiles } from '../../worker/src/domain/import-schema';
import { importCatalogue } from './fixtures';
import { udataSchemaErrors } from './ckan-udata-schema';

const BASE = 'https://portal.test/';
const EXTRA_DATASETS = 200;

type Pkg = { id: string; name: string; title: string; owner_org: string; private: boolean; groups: { id: string; name: string }[]; resources: { url: string; format: string; id: string; name: string }[] } & Record<string, unknown>;
type Demo = typeof demo;

/** The demo catalogue and, for paging, copies of its datasets with their own ids and slugs (links only, no files). */
function largeCatalogue(): Demo {
  const catalogue = structuredClone(demo);
  const published = demo.datasets.filter((d) => (d as { published?: boolean }).published !== false);
  for (let i = 0; i < EXTRA_DATASETS; i++) {
    const source = published[i % published.length]!;
    const n = String(i).padStart(12, '0');
    catalogue.datasets.push({
      ...structuredClone(source),
      id: `5e5f5a7e-5d0c-4b8e-9c55-${n}`,
      slug: `${source.slug.slice(0, 80)}-copie-${i}`,
      title: `${source.title} (copie ${i})`,
      resources: source.resources.map((r, j) => ({
        id: `6f6f5a7e-5d0c-4b8e-9c${String(j).padStart(2, "0")}-${n}`, title: r.title, format: r.format,
        sourceMode: 'url_reference', url: `https://producteur.example/copie-${i}/${j}`,
      })),
    } as Demo['datasets'][number]);
  }
  return catalogue;
}

const catalogue = largeCatalogue();
const parsed = catalogueImport.parse(catalogue);
const publishedDatasets = parsed.datasets.filter((d) => d.published);
const draftDatasets = parsed.datasets.filter((d) => !d.published);

// udata's request headers (base.py get_headers): content-type even on body-less GETs.
const UDATA_HEADERS = { 'user-agent': 'uData/0.1 ckan', 'content-type': 'application/json' };
// Whole-catalogue walks make hundreds of requests: generous time on a loaded machine.
const WALK_TIMEOUT = { timeout: 120_000 };
const QGIS_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** udata's get_action: fails on 4xx/5xx, on any MIME type but application/json, on success false; never follows redirects. */
async function udataAction<T>(url: string): Promise<T> {
  const response = await SELF.fetch(url, { headers: UDATA_HEADERS, redirect: 'manual' });
  expect(response.status, url).toBe(200);
  expect(response.headers.get('content-type')?.split(';')[0], url).toBe('application/json');
  const body = await response.json<{ success: boolean; result: T }>();
  expect(body.success, url).toBe(true);
  return body.result;
}

/** A query string as Python's requests / urllib encode it (spaces as +). */
const encode = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

beforeAll(() => {
  expect(publishedDatasets.length).toBeGreaterThan(200);
});

beforeEach(async () => {
  const files = Object.fromEntries(referencedFiles(parsed).map((path) => [path, `contenu de ${path}`]));
  const response = await importCatalogue(catalogue, files);
  expect(response.status).toBe(201);
});

describe('data.gouv.fr CKAN harvester (udata)', () => {
  it('harvests each organisation with q=organization:<slug>&rows=1000 and every package_show passes the schema', WALK_TIMEOUT, async () => {
    const seen = new Set<string>();
    for (const org of parsed.organizations) {
      const search = await udataAction<{ results: { name: string }[] }>(`${BASE}api/3/action/package_search?${encode({ q: `organization:${org.slug}`, rows: 1000 })}`);
      const names = search.results.map((r) => r.name);
      expect(names.sort()).toEqual(publishedDatasets.filter((d) => d.organization === org.slug).map((d) => d.slug).sort());
      for (const name of names) {
        let pkg = await udataAction<Pkg | Pkg[]>(`${BASE}api/3/action/package_show?${encode({ id: name })}`);
        if (Array.isArray(pkg)) pkg = pkg[0]!;
        expect(udataSchemaErrors(pkg), name).toEqual([]);
        expect(seen.has(pkg.id), `duplicate remote id ${pkg.id}`).toBe(false);
        seen.add(pkg.id);
        expect(pkg.id).toBe(parsed.datasets.find((d) => d.slug === name)!.id);
      }
    }
    expect(seen.size).toBe(publishedDatasets.length);
  });

  it('applies exclude and combined filters exactly as udata writes them', async () => {
    const org = parsed.organizations[0]!.slug;
    const excluded = await udataAction<{ results: { name: string }[] }>(`${BASE}api/3/action/package_search?${encode({ q: `-organization:${org}`, rows: 1000 })}`);
    expect(excluded.results.map((r) => r.name).sort()).toEqual(publishedDatasets.filter((d) => d.organization !== org).map((d) => d.slug).sort());
    const tagged = publishedDatasets.find((d) => d.organization === org && d.tags.length > 0)!;
    const tag = tagged.tags[0]!;
    const combined = await udataAction<{ results: { name: string }[] }>(`${BASE}api/3/action/package_search?${encode({ q: `organization:${org} AND -tags:${tag}`, rows: 1000 })}`);
    const expected = publishedDatasets.filter((d) => d.organization === org && !d.tags.some((t) => t.toLowerCase() === tag.toLowerCase()));
    expect(combined.results.map((r) => r.name).sort()).toEqual(expected.map((d) => d.slug).sort());
  });

  it('without filters lists every published name with package_list and no parameters', async () => {
    const names = await udataAction<string[]>(`${BASE}api/3/action/package_list`);
    expect(names.sort()).toEqual(publishedDatasets.map((d) => d.slug).sort());
    for (const draft of draftDatasets) expect(names).not.toContain(draft.slug);
  });

  it('sees restricted resources with the portal’s download URL, which refuses anonymous downloads', async () => {
    const restricted = publishedDatasets.find((d) => d.resources.some((r) => r.accessLevel !== 'public'))!;
    const resource = restricted.resources.find((r) => r.accessLevel !== 'public')!;
    const pkg = await udataAction<Pkg>(`${BASE}api/3/action/package_show?${encode({ id: restricted.slug })}`);
    const listed = pkg.resources.find((r) => r.id === resource.id)!;
    expect(listed.url).toMatch(new RegExp(`^http://localhost:8787/dataset/${restricted.id}/resource/${resource.id}/download/`));
    const download = await SELF.fetch(listed.url.replace('http://localhost:8787/', BASE));
    expect(download.status).toBe(401);
  });
});

describe('ckanext-harvest CKANHarvester', () => {
  /** Pages as CKANHarvester._search_for_datasets does: rows=100, start=N, sort=id asc, until an empty page. */
  async function walk(fq: string): Promise<Pkg[]> {
    const found = new Map<string, Pkg>();
    let previous: string | null = null;
    for (let start = 0; ; start += 100) {
      const params: Record<string, string | number> = { rows: 100, start, sort: 'id asc' };
      if (fq) params.fq = fq;
      const response = await SELF.fetch(`https://portal.test/api/3/action/package_search?${encode(params)}`, { redirect: 'manual' });
      expect(response.status).toBe(200);
      const text = await response.text();
      const page = (JSON.parse(text) as { result: { results: Pkg[] } }).result.results;
      if (page.length === 0) break;
      expect(text, 'paging doesn’t seem to work').not.toBe(previous);
      previous = text;
      for (const pkg of page) {
        expect(found.has(pkg.id), `duplicate ${pkg.id}`).toBe(false);
        found.set(pkg.id, pkg);
      }
      expect(start).toBeLessThan(10_000);
    }
    return [...found.values()];
  }

  it('walks the whole catalogue in pages of 100 sorted by id, without duplicate or missing dataset', WALK_TIMEOUT, async () => {
    const all = await walk('');
    expect(all.map((p) => p.id).sort()).toEqual(publishedDatasets.map((d) => d.id).sort());
    expect(all.length).toBeGreaterThan(200);
    for (const draft of draftDatasets) expect(all.some((p) => p.id === draft.id)).toBe(false);
  });

  it('filters the walk with organisation, group and incremental fq terms joined by spaces', WALK_TIMEOUT, async () => {
    const [a, b] = parsed.organizations;
    const two = await walk(`organization:${a!.slug} OR organization:${b!.slug}`);
    expect(two.map((p) => p.name).sort()).toEqual(publishedDatasets.filter((d) => [a!.slug, b!.slug].includes(d.organization)).map((d) => d.slug).sort());
    const notA = await walk(`-organization:${a!.slug}`);
    expect(notA.every((p) => (p.organization as { name: string }).name !== a!.slug)).toBe(true);
    const theme = publishedDatasets[0]!.themes[0]!;
    const inTheme = await walk(`groups:${theme}`);
    expect(inTheme.length).toBe(publishedDatasets.filter((d) => d.themes.includes(theme)).length);
    const since = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19);
    expect((await walk(`metadata_modified:[${since}Z TO *]`)).length).toBe(publishedDatasets.length);
    expect(await walk(`metadata_modified:[2999-01-01T00:00:00Z TO *]`)).toEqual([]);
  });

  it('reads owner organisations and groups of the harvested dicts with organization_show and group_show', async () => {
    const page = (await (await SELF.fetch(`https://portal.test/api/3/action/package_search?${encode({ rows: 100, start: 0, sort: 'id asc' })}`)).json<{ result: { results: Pkg[] } }>()).result.results;
    const first = page.find((p) => p.groups.length > 0)!;
    const org = await (await SELF.fetch(`https://portal.test/api/3/action/organization_show?id=${first.owner_org}`)).json<{ result: { id: string } }>();
    expect(org.result.id).toBe(first.owner_org);
    const group = await (await SELF.fetch(`https://portal.test/api/3/action/group_show?id=${first.groups[0]!.id}`)).json<{ result: { name: string } }>();
    expect(group.result.name).toBe(first.groups[0]!.name);
  });
});

describe('ckanapi', () => {
  const post = (action: string, data: unknown) => SELF.fetch(`https://portal.test/api/action/${action}`, {
    method: 'POST', body: JSON.stringify(data), redirect: 'manual',
    headers: { 'content-type': 'application/json', 'user-agent': 'ckanapi/4.8 (+https://github.com/ckan/ckanapi)', 'x-ckan-api-key': 'cle-inconnue', authorization: 'cle-inconnue' },
  });

  it('dump datasets --all: package_list then package_show, with the extra keys it sends', async () => {
    const list = await (await post('package_list', { include_private: true, include_drafts: true, include_deleted: true })).json<{ result: string[] }>();
    expect(list.result.length).toBe(publishedDatasets.length);
    const response = await post('package_show', { id: list.result[0], include_datasets: false, include_password_hash: false, include_users: false });
    expect(response.status).toBe(200);
    expect((await response.json<{ result: Pkg }>()).result.name).toBe(list.result[0]);
  });

  it('search datasets: pages of 1000 with start until an empty page', async () => {
    const names: string[] = [];
    for (let start = 0; ; start += 1000) {
      const page = await (await post('package_search', { q: '*:*', rows: 1000, start })).json<{ result: { results: Pkg[] } }>();
      if (page.result.results.length === 0) break;
      names.push(...page.result.results.map((p) => p.name));
    }
    expect(names.sort()).toEqual(publishedDatasets.map((d) => d.slug).sort());
  });
});

describe('QGIS CKAN-Browser', () => {
  const get = (path: string) => SELF.fetch(`https://portal.test/api/3/${path}`, { headers: { accept: QGIS_ACCEPT }, redirect: 'manual' });

  it('lists groups then searches two thématiques with fq=(groups:a OR groups:b), reading what the plugin reads', async () => {
    const groups = await (await get('action/group_list?all_fields=true')).json<{ result: { name: string; display_name: string }[] }>();
    expect(groups.result.every((g) => typeof g.name === 'string' && typeof g.display_name === 'string')).toBe(true);
    const [a, b] = [publishedDatasets[0]!.themes[0]!, publishedDatasets.find((d) => !d.themes.includes(publishedDatasets[0]!.themes[0]!))!.themes[0]!];
    const expected = publishedDatasets.filter((d) => d.themes.includes(a) || d.themes.includes(b)).map((d) => d.slug).sort();
    const names: string[] = [];
    for (let start = 0; start < expected.length; start += 50) {
      const response = await get(`action/package_search?q=&fq=(groups:${a}+OR+groups:${b})&sort=name+asc&rows=50&start=${start}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      const body = await response.json<{ result: { count: number; results: Pkg[] } }>();
      expect(body.result.count).toBe(expected.length);
      for (const pkg of body.result.results) {
        for (const key of ['title', 'notes', 'author', 'author_email', 'license_id', 'num_resources', 'id']) expect(pkg, key).toHaveProperty(key);
        for (const r of pkg.resources) for (const key of ['format', 'name', 'url', 'id'] as const) expect(typeof r[key], key).toBe('string');
        expect(pkg.num_resources).toBe(pkg.resources.length);
        names.push(pkg.name);
      }
    }
    expect(names).toEqual(expected);
  });
});
