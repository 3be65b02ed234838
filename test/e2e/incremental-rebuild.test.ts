// Publishing after the first build updates the site incrementally (scripts/lib/incremental-build.ts): a delta search
// bundle the island merges, the superseded rows hidden, the affected pages re-rendered. What a visitor sees must be
// what a full build gives.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { importCatalogueFile } from '../../scripts/lib/import-client';
import { catalogueImport } from '../../worker/src/domain/import-schema';
import { launchBrowser } from './browser';

const ROOT = resolve(import.meta.dirname, '../..');
const portal = inject('portalUrl');
const hookUrl = inject('hookUrl');
const demo = catalogueImport.parse(JSON.parse(readFileSync(resolve(ROOT, 'content/demo/catalogue.json'), 'utf8')));
const ORG = demo.organizations[0]!.slug;
const ORG_NAME = demo.organizations[0]!.legalName;
// A keyword no demo dataset has: the facet counts below are those of these tests' datasets alone.
const KEYWORD = 'hydrophytes-e2e';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

interface TestDataset {
  id: string;
  slug: string;
  title: string;
  description: string;
  published?: boolean;
}

const ids = (n: number) => `5e0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a${String(n).padStart(2, '0')}`;

async function publish(...datasets: TestDataset[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portail-incremental-'));
  writeFileSync(join(dir, 'catalogue.json'), JSON.stringify({
    datasets: datasets.map((d) => ({
      ...d, organization: ORG, licence: 'lov2', themes: ['biodiversite-et-eau'], tags: [KEYWORD, 'eau'],
      dateCreated: '2026-05-01', dateModified: '2026-06-01', datePublished: '2026-06-02', resources: [],
    })),
  }));
  await importCatalogueFile(join(dir, 'catalogue.json'), portal, inject('operatorToken'), 'test e2e incrémental');
}

const status = async (path: string) => (await fetch(`${portal}${path}`)).status;
const pageText = async (path: string) => (await fetch(`${portal}${path}`)).text();

async function resultCount(page: Page): Promise<number> {
  const text = (await page.locator('[data-count]').textContent()) ?? '';
  const match = text.replace(/[\s\u202f\u00a0]/g, '').match(/^(\d+)/);
  return match ? Number(match[1]) : NaN;
}

/** The search page's answer for a query: result count, titles, and the counts of two facets. */
async function search(q: string): Promise<{ count: number; titles: string[]; keyword: string[]; organization: string[] }> {
  const page = await browser.newPage();
  try {
    await page.goto(`${portal}/dataset?q=${encodeURIComponent(q)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await expect.poll(() => resultCount(page), { timeout: 30_000 }).not.toBeNaN();
    const facet = async (legend: string) => (await page.locator('fieldset', { has: page.locator('legend', { hasText: legend }) }).locator('li').allTextContents())
      .map((text) => text.replace(/\s+/g, ' ').trim()).sort();
    return {
      count: await resultCount(page),
      titles: (await page.locator('[data-results] .card-title').allTextContents()).map((t) => t.trim()).sort(),
      keyword: await facet('Mots-clés'),
      organization: await facet('Organisation'),
    };
  } finally {
    await page.close();
  }
}

describe('incremental rebuild on publish', () => {
  const first: TestDataset = { id: ids(1), slug: 'inventaire-mares-incremental', title: 'Inventaire des mares bolgoviennes', description: 'Relevés annuels des plans d’eau du plateau.' };
  const second: TestDataset = { id: ids(2), slug: 'herbiers-aquatiques-incremental', title: 'Herbiers aquatiques du Lez', description: 'Cartographie des herbiers, campagne 2026.' };
  const third: TestDataset = { id: ids(3), slug: 'roselieres-incremental', title: 'Roselières de l’étang', description: 'Surfaces de roselières mesurées par drone.' };

  it('an added dataset is visible, searchable and counted in its facets', async () => {
    await publish(first);
    await expect.poll(() => status(`/dataset/${first.slug}`), { timeout: 120_000, interval: 250 }).toBe(200);
    const found = await search('bolgoviennes');
    expect(found.titles).toEqual([first.title]);
    expect(found.organization).toContain(`${ORG_NAME} (1)`);
    // The home page and the organisation's page list it too (re-rendered after the search is in place).
    await expect.poll(() => pageText(`/organization/${ORG}`), { timeout: 60_000, interval: 500 }).toContain(first.title);
    await expect.poll(() => pageText('/'), { timeout: 60_000, interval: 500 }).toContain(first.title);
  });

  it('a changed title is found by its new words and no longer by the old ones', async () => {
    await publish({ ...first, title: 'Inventaire des tourbières quasimodiennes' });
    await expect.poll(() => pageText(`/dataset/${first.slug}`), { timeout: 120_000, interval: 250 }).toContain('tourbières quasimodiennes');
    expect((await search('quasimodiennes')).titles).toEqual(['Inventaire des tourbières quasimodiennes']);
    expect((await search('bolgoviennes')).count).toBe(0);
  });

  it('two publishes in quick succession are both visible and counted', async () => {
    await publish(second);
    await publish(third);
    await expect.poll(async () => [await status(`/dataset/${second.slug}`), await status(`/dataset/${third.slug}`)], { timeout: 120_000, interval: 250 }).toEqual([200, 200]);
    const found = await search(KEYWORD);
    expect(found.titles).toEqual([second.title, 'Inventaire des tourbières quasimodiennes', third.title].sort());
    expect(found.keyword).toContain(`${KEYWORD} (3)`);
  });

  it('an unpublished dataset leaves its page, the search results and the facet counts', async () => {
    await publish({ ...second, published: false });
    await expect.poll(() => status(`/dataset/${second.slug}`), { timeout: 120_000, interval: 250 }).toBe(404);
    const found = await search(KEYWORD);
    expect(found.titles).toEqual(['Inventaire des tourbières quasimodiennes', third.title].sort());
    expect(found.keyword).toContain(`${KEYWORD} (2)`);
    expect((await search('herbiers')).titles).not.toContain(second.title);
  });

  it('a full build after the deltas gives the same results and clears the delta', async () => {
    const queries = [KEYWORD, 'quasimodiennes', 'bolgoviennes', 'herbiers', 'eau'];
    const before = await Promise.all(queries.map(search));
    const token = /REBUILD_HOOK_TOKEN=(\S+)/.exec(readFileSync(resolve(ROOT, '.dev.vars'), 'utf8'))![1]!;
    expect((await fetch(`${hookUrl}/rebuild?full=1`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(202);
    await expect.poll(async () => {
      const state = (await (await fetch(`${hookUrl}/status`)).json()) as { building: boolean; current: { incremental: boolean } | null };
      return !state.building && state.current?.incremental === false;
    }, { timeout: 180_000, interval: 500 }).toBe(true);
    const table = (await (await fetch(`${portal}/dataset-facets.json`)).json()) as { delta?: string; hidden?: number[] };
    expect(table.delta).toBeUndefined();
    expect(table.hidden).toBeUndefined();
    expect(await Promise.all(queries.map(search))).toEqual(before);
  }, 300_000);
});
