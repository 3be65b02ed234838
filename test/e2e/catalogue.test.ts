// The public catalogue as a visitor sees it, against the portal started as `npm start` does.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { importCatalogueFile } from '../../scripts/lib/import-client';
import { catalogueImport, type CatalogueImport } from '../../worker/src/domain/import-schema';
import { sortKey } from '../../site/lib/format';
import { launchBrowser, screenshot, seriousViolations } from './browser';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = resolve(ROOT, 'dist');
const portal = inject('portalUrl');
// Other end-to-end files publish datasets into the same portal: the live count comes from the CKAN API.
const publishedCount = async () => ((await (await fetch(`${portal}/api/3/action/package_search?rows=0`)).json()) as { result: { count: number } }).result.count;
const demo: CatalogueImport = catalogueImport.parse(JSON.parse(readFileSync(resolve(ROOT, 'content/demo/catalogue.json'), 'utf8')));
const published = demo.datasets.filter((d) => d.published);
const restricted = demo.datasets.flatMap((d) => d.resources.filter((r) => r.accessLevel !== 'public').map((r) => ({ dataset: d, resource: r })));

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function open(path: string): Promise<Page> {
  const page = await browser.newPage();
  const response = await page.goto(`${portal}${path}`);
  expect(response?.status(), path).toBe(200);
  return page;
}

async function resultCount(page: Page): Promise<number> {
  const text = (await page.locator('[data-count]').textContent()) ?? '';
  const match = text.replace(/[\s\u202f\u00a0]/g, '').match(/^(\d+)/);
  return match ? Number(match[1]) : NaN;
}

/** Waits for the search island to have answered (its heading states a count). */
async function searchSettled(page: Page): Promise<number> {
  await expect.poll(() => resultCount(page), { timeout: 30_000 }).not.toBeNaN();
  return resultCount(page);
}

function facet(page: Page, legend: string) {
  return page.locator('fieldset', { has: page.locator('legend', { hasText: legend }) });
}

async function facetValues(page: Page, legend: string): Promise<{ label: string; count: number }[]> {
  const items = await facet(page, legend).locator('li').all();
  return Promise.all(items.map(async (li) => ({
    label: ((await li.locator('.facet-value').textContent()) ?? '').trim(),
    count: Number(((await li.locator('.facet-count').textContent()) ?? '').replace(/\D/g, '')),
  })));
}


describe('public catalogue', () => {
  it('the home page shows the counts, the thématiques and the latest datasets', async () => {
    const count = await publishedCount();
    expect(count).toBeGreaterThanOrEqual(published.length);
    const page = await open('/');
    await expect.poll(() => page.locator('main').textContent()).toContain(`${count} jeux de données`);
    await expect.poll(() => page.getByRole('link', { name: /Mobilité et transports/ }).count()).toBeGreaterThan(0);
    await screenshot(page, 'home');
    await page.close();
  });

  it('search with two facets combined narrows the results and the counts agree', async () => {
    const page = await open('/dataset');
    const total = await searchSettled(page);
    expect(total).toBe(await publishedCount());

    const themes = await facetValues(page, 'Thématique');
    const theme = themes.sort((a, b) => b.count - a.count)[0]!;
    await facet(page, 'Thématique').getByText(theme.label, { exact: true }).click();
    await expect.poll(() => resultCount(page)).toBe(theme.count);
    expect(theme.count).toBeLessThan(total);

    const formats = (await facetValues(page, 'Format')).filter((f) => f.count > 0 && f.count < theme.count);
    expect(formats.length, 'a format narrows the thématique further').toBeGreaterThan(0);
    const format = formats[0]!;
    await facet(page, 'Format').getByText(format.label, { exact: true }).click();
    await expect.poll(() => resultCount(page)).toBe(format.count);
    await expect.poll(() => page.locator('[data-results] > li').count()).toBe(format.count);

    const url = new URL(page.url());
    expect(url.searchParams.getAll('theme')).toHaveLength(1);
    expect(url.searchParams.getAll('format')).toHaveLength(1);
    await screenshot(page, 'search-two-facets');
    await page.reload();
    await expect.poll(() => resultCount(page), { timeout: 30_000 }).toBe(format.count);
    await page.close();
  });

  it('keyword links find their datasets, rare keywords included, and the title sort orders the results', async () => {
    const uses = new Map<string, number>();
    for (const d of published) for (const tag of d.tags) uses.set(tag, (uses.get(tag) ?? 0) + 1);
    // A keyword of one dataset is not in the keyword facet's table: the search filters it through Pagefind.
    const rare = published.find((d) => d.tags.some((tag) => uses.get(tag) === 1))!;
    const rareTag = rare.tags.find((tag) => uses.get(tag) === 1)!;
    const page = await open(`/dataset/${rare.slug}`);
    await page.locator('.tags a', { hasText: rareTag }).first().click();
    await expect.poll(() => resultCount(page), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('[data-results] .card-title a').textContent()).toContain(rare.title);
    expect(await page.locator('[data-active] .chip').textContent()).toContain(rareTag);
    expect(new URL(page.url()).searchParams.get('keyword')).toBe(rareTag);

    const [commonTag, commonUses] = [...uses].sort((a, b) => b[1] - a[1])[0]!;
    await page.goto(`${portal}/dataset?keyword=${encodeURIComponent(commonTag)}&sort=title`);
    await expect.poll(() => resultCount(page), { timeout: 30_000 }).toBe(commonUses);
    const titles = (await page.locator('[data-results] .card-title a').allTextContents()).map((t) => t.trim());
    expect(titles).toEqual([...titles].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0)));
    expect(await page.locator('#search-sort').inputValue()).toBe('title');
    await page.close();
  });

  it('a dataset page shows its metadata and its resources, and the download link serves the file', async () => {
    const dataset = published.find((d) => d.resources.length >= 3 && d.resources.every((r) => r.accessLevel === 'public'))!;
    const page = await open(`/dataset/${dataset.slug}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain(dataset.title);
    const main = (await page.locator('main').textContent()) ?? '';
    const org = demo.organizations.find((o) => o.slug === dataset.organization)!;
    expect(main).toContain(org.legalName);
    for (const tag of dataset.tags) expect(main).toContain(tag);
    for (const resource of dataset.resources) expect(main).toContain(resource.title);
    const jsonLd = JSON.parse((await page.locator('script[type="application/ld+json"]').first().textContent())!) as { '@type': string; name: string };
    expect(jsonLd['@type']).toBe('Dataset');
    expect(jsonLd.name).toBe(dataset.title);

    const upload = dataset.resources.find((r) => r.file)!;
    const href = await page.locator(`a[href*="/resource/${upload.id}/download/"]`).first().getAttribute('href');
    const file = await fetch(new URL(href!, portal));
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(readFileSync(resolve(ROOT, 'content/demo', upload.file!)))).toBe(true);
    await screenshot(page, 'dataset');
    await page.close();
  });

  it('a restricted resource shows a lock and an access request button, and its file is refused', async () => {
    const { dataset, resource } = restricted[0]!;
    const page = await open(`/dataset/${dataset.slug}`);
    const request = page.locator('summary', { hasText: 'Demander l’accès' }).first();
    await request.click();
    await expect.poll(() => page.locator('details[open]').textContent()).toContain('Le producteur a limité l’accès à cette ressource');
    expect(await page.locator('main').textContent()).toContain('Accès restreint');
    expect(await page.content()).not.toContain(`/resource/${resource.id}/download`);
    await screenshot(page, 'dataset-restricted');
    await page.close();
    const file = await fetch(`${portal}/dataset/${dataset.id}/resource/${resource.id}/download/${resource.file!.split('/').pop()}`);
    expect(file.status).toBe(401);
  });

  it('axe-core finds no serious violation on the home, search, dataset and organisation pages', async () => {
    const dataset = published[0]!;
    for (const path of ['/', '/dataset', `/dataset/${dataset.slug}`, '/organization', `/organization/${dataset.organization}`, '/group']) {
      const page = await open(path);
      // Pages with a search island (search, organisation, thématique) are checked once it has rendered.
      if (await page.locator('[data-search]').count()) await searchSettled(page);
      await page.waitForLoadState('networkidle');
      expect(await seriousViolations(page), path).toEqual([]);
      await page.close();
    }
  });
});

describe('zero cost for anonymous views', () => {
  it('serves pages, the search index and the 404 page without invoking the Worker', async () => {
    const dataset = published[0]!;
    for (const path of ['/', '/dataset', `/dataset/${dataset.slug}`, `/organization/${dataset.organization}`, '/pagefind/pagefind.js', '/page/aide']) {
      const response = await fetch(`${portal}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('x-portal-worker'), path).toBeNull();
    }
    const missing = await fetch(`${portal}/dataset/nexiste-pas`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-portal-worker')).toBeNull();
    expect(await missing.text()).toContain('introuvable');
    const api = await fetch(`${portal}/api/health`);
    expect(api.headers.get('x-portal-worker')).toBe('1');
  });
});

describe('restricted data never reaches the build output', () => {
  it('no HTML, JSON-LD or Pagefind file names a restricted file or its download URL', () => {
    expect(restricted.length).toBe(2);
    const forbidden = restricted.flatMap(({ resource }) => [`/resource/${resource.id}/download`, resource.file!.split('/').pop()!]);
    let scanned = 0;
    for (const entry of readdirSync(DIST, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const bytes = readFileSync(path);
      const text = /\.pf_(fragment|index|meta|filter)$/.test(entry.name) ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
      for (const needle of forbidden) expect(text.includes(needle), `${path} contains ${needle}`).toBe(false);
      scanned++;
    }
    expect(scanned).toBeGreaterThan(published.length);
  });
});

describe('rebuild on publish', () => {
  it('a newly imported dataset becomes visible and searchable after the rebuild, without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portail-import-'));
    const slug = 'observatoire-des-libellules-zygopteres';
    const catalogue = {
      datasets: [{
        id: '7f1d2c3b-4a5e-4f60-8a71-b2c3d4e5f601', slug, title: 'Observatoire des libellules zygoptères',
        description: 'Relevés des **zygoptères** (demoiselles) le long des cours d’eau, saison 2026.',
        organization: demo.organizations[0]!.slug, licence: 'lov2', themes: ['biodiversite-et-eau'], tags: ['libellules', 'eau'],
        dateCreated: '2026-05-01', dateModified: '2026-06-01', datePublished: '2026-06-02',
        resources: [{ id: '7f1d2c3b-4a5e-4f60-8a71-b2c3d4e5f602', title: 'Relevés 2026', format: 'CSV', sourceMode: 'upload', file: 'releves.csv' }],
      }],
    };
    writeFileSync(join(dir, 'catalogue.json'), JSON.stringify(catalogue));
    writeFileSync(join(dir, 'releves.csv'), 'date,site,espece,effectif\n2026-06-01,Lez amont,Calopteryx virgo,12\n');

    expect((await fetch(`${portal}/dataset/${slug}`)).status).toBe(404);
    const summary = await importCatalogueFile(join(dir, 'catalogue.json'), portal, inject('operatorToken'), 'test e2e');
    expect(summary.datasets).toBe(1);

    await expect.poll(async () => (await fetch(`${portal}/dataset/${slug}`)).status, { timeout: 120_000, interval: 250 }).toBe(200);
    const page = await open('/dataset?q=zygopt%C3%A8res');
    await expect.poll(() => resultCount(page), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.locator('[data-results]').textContent()).toContain('Observatoire des libellules zygoptères');
    await screenshot(page, 'search-after-publish');
    await page.close();
  });
});
