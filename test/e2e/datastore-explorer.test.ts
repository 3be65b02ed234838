// The datastore explorer in Chromium: a contributeur publishes a CSV through the resource form, watches it load,
// filters the grid, builds and saves a chart; a visitor then sees that chart first, and the map with its
// "marqueurs de regroupement". axe checks every page; screenshots go to test-results/screenshots.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedContributor } from './local-d1';
import { launchBrowser, screenshot, seriousViolations } from './browser';

const ROOT = resolve(import.meta.dirname, '../..');
const portal = inject('portalUrl');
const demo = JSON.parse(readFileSync(resolve(ROOT, 'content/demo/catalogue.json'), 'utf8')) as {
  organizations: { id: string; slug: string }[];
  datasets: { id: string; slug: string; organization: string; published?: boolean }[];
};
// Not the dataset publish-resource.test.ts uses: both files share one portal.
const dataset = demo.datasets.filter((d) => d.published !== false)[2]!;
const organization = demo.organizations.find((o) => o.slug === dataset.organization)!;
const PASSWORD = 'une phrase de passe pour les tests';
const ROWS = 30_000;
const KINDS = ['Piscine', 'Gymnase', 'Stade', 'Tennis', 'Dojo'];

/** Sports facilities spread over Occitanie, after one far away in Paris (row 1) that stays a marker of its own. */
function facilitiesCsv(): string {
  const lines = ['nom,type,departement,capacite,latitude,longitude', 'Stade de Paris,Stade,75,80000,48.92446,2.36011'];
  for (let i = 2; i <= ROWS; i++) {
    const lat = (42.6 + ((i * 7919) % 2400) / 1000).toFixed(5);
    const lon = (0.2 + ((i * 104729) % 4500) / 1000).toFixed(5);
    lines.push(`Équipement ${i},${KINDS[i % KINDS.length]},${i % 2 === 0 ? 34 : 31},${(i % 50) * 10},${lat},${lon}`);
  }
  return `${lines.join('\n')}\n`;
}


let browser: Browser;

beforeAll(async () => {
  await seedContributor({ username: 'analyste', firstName: 'Inès', lastName: 'Martin', password: PASSWORD, organizationId: organization.id, datasetId: dataset.id });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

/** Signs the contributeur in and adds the file as a new resource of the dataset with the upload form. */
async function publishAsAnalyst(title: string, file: string): Promise<{ page: Page; resourceId: string }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${portal}/user/login`);
  await page.fill('#field-identifier', 'analyste');
  await page.fill('#field-password', PASSWORD);
  await page.locator('form[action="/user/login"] button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/user/login'));
  await page.goto(`${portal}/user/datasets/${dataset.id}/resources/new`);
  await page.fill('#field-title', title);
  await page.setInputFiles('#field-file', file);
  await expect.poll(() => page.locator('[data-upload-progress] progress').getAttribute('value'), { timeout: 60_000, interval: 100 }).toBe('100');
  await page.getByRole('button', { name: 'Enregistrer la ressource' }).click();
  await page.waitForURL(/\/resources\/[0-9a-f-]+\/edit\?saved/);
  return { page, resourceId: /resources\/([0-9a-f-]+)\/edit/.exec(page.url())![1]! };
}

describe('datastore explorer', () => {
  it('publish a CSV, watch it load, filter the grid, save a chart as default view, see the map with clusters', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'portail-explorer-')), 'equipements-sportifs.csv');
    writeFileSync(file, facilitiesCsv());

    const { page, resourceId } = await publishAsAnalyst('Équipements sportifs', file);

    // The loading page: the progress bar while the job is queued or running, then the report swapped in by the
    // page's script (no reload).
    await page.goto(`${portal}/user/datasets/${dataset.id}/resources/${resourceId}/datastore`);
    const report = page.getByRole('heading', { name: 'Rapport de chargement' });
    if (!(await report.isVisible())) {
      expect(await page.locator('progress').count()).toBe(1);
      await screenshot(page, 'datastore-progress-running');
    }
    await report.waitFor({ timeout: 240_000 });
    expect(await page.locator('[data-progress-state]').textContent()).toBe('Données requêtables');
    expect(await page.locator('.datastore-progress table').textContent()).toContain('capacite');
    await expectAccessible(page);
    await screenshot(page, 'datastore-progress-report');

    // The grid: rows, column types, a word filter on a text column and an exact filter on a number column.
    await page.getByRole('link', { name: 'Voir les données dans l’explorateur' }).click();
    await page.waitForURL(new RegExp(`/resource/${resourceId}$`));
    const status = page.locator('#explorer-panel-grid .explorer-status');
    await expect.poll(() => status.textContent()).toBe(`Lignes 1 à 25 sur ${(30000).toLocaleString('fr-FR')}`);
    expect(await page.locator('th[data-column="capacite"] .explorer-type').textContent()).toBe('entier');
    await page.getByLabel('Filtrer « type » (mots)').fill('pisc');
    await page.getByLabel('Filtrer « departement » (valeur exacte)').fill('34');
    await page.getByLabel('Filtrer « departement » (valeur exacte)').press('Enter');
    await expect.poll(() => status.textContent()).toBe(`Lignes 1 à 25 sur ${(3000).toLocaleString('fr-FR')}`);
    const types = await page.locator('#explorer-panel-grid tbody tr td:nth-child(2)').allTextContents();
    expect(new Set(types)).toEqual(new Set(['Piscine']));
    await page.getByRole('button', { name: 'Trier par « capacite »' }).click();
    await expect.poll(() => page.locator('th[data-column="capacite"]').getAttribute('aria-sort')).toBe('ascending');
    const csvLink = await page.getByRole('link', { name: 'Exporter les lignes filtrées au format CSV' }).getAttribute('href');
    const exported = await (await fetch(`${portal}${csvLink}`)).text();
    expect(exported.trim().split('\n').length).toBe(3001);
    await expectAccessible(page);
    await screenshot(page, 'datastore-explorer-grid');

    // The chart builder, reached with the keyboard (arrow keys move between tabs).
    await page.getByRole('tab', { name: 'Tableau' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Graphique' }).getAttribute('aria-selected')).toBe('true');
    await page.getByLabel('Type de graphique').selectOption('bar');
    await page.getByLabel('Axe X (catégories)').selectOption('type');
    await page.getByLabel('Agrégation par catégorie').selectOption('sum');
    await page.getByLabel('capacite', { exact: true }).check();
    await page.getByLabel('Titre du graphique (facultatif)').fill('Capacité totale par type d’équipement');
    await page.getByRole('button', { name: 'Tracer le graphique' }).click();
    await page.locator('.explorer-chart canvas').waitFor();
    await page.locator('.explorer-chart-data summary').click();
    const chartRows = await page.locator('.explorer-chart-data tbody tr th').allTextContents();
    expect(chartRows.sort()).toEqual([...KINDS].sort());
    await page.getByRole('button', { name: 'Enregistrer comme vue par défaut' }).click();
    await expect.poll(() => page.locator('.explorer-saved').textContent()).toContain('Vue par défaut enregistrée');
    await expectAccessible(page);
    await screenshot(page, 'datastore-explorer-chart');

    // A visitor: the saved chart first, then the map with clusters and a popup of the isolated row.
    const visitor = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await visitor.goto(`${portal}/dataset/${dataset.slug}/resource/${resourceId}`);
    expect(await visitor.getByRole('tab', { name: 'Graphique' }).getAttribute('aria-selected')).toBe('true');
    await visitor.getByText('Vue par défaut choisie par le producteur.').waitFor();
    await visitor.locator('.explorer-chart canvas').waitFor();
    expect(await visitor.getByRole('button', { name: 'Enregistrer comme vue par défaut' }).count()).toBe(0);
    await screenshot(visitor, 'datastore-visitor-default-chart');

    await visitor.getByRole('tab', { name: 'Carte' }).click();
    await visitor.locator('.marker-cluster').first().waitFor({ timeout: 30_000 });
    // Every loaded row is on the map, in a cluster or (Paris, far from the others) as a marker of its own.
    await expect.poll(async () => {
      const clustered = (await visitor.locator('.marker-cluster span').allTextContents()).reduce((n, c) => n + Number(c), 0);
      return clustered + await visitor.locator('.explorer-marker').count();
    }, { timeout: 30_000 }).toBe(20_000);
    expect(await visitor.locator('#explorer-panel-map .explorer-status').textContent()).toBe(`${(20000).toLocaleString('fr-FR')} premiers points sur la carte (sur ${(30000).toLocaleString('fr-FR')} lignes).`);
    expect(await visitor.getByLabel('Marqueurs de regroupement').isChecked()).toBe(true);
    await visitor.getByTitle('Ligne 1', { exact: true }).waitFor();
    await visitor.getByTitle('Ligne 1', { exact: true }).click();
    await visitor.locator('.explorer-popup').getByText('Stade de Paris').waitFor();
    // No request left the portal: no tiles, no CDN.
    const origins = await visitor.evaluate(() => [...new Set(performance.getEntriesByType('resource').map((e) => new URL(e.name).origin))]);
    expect(origins).toEqual([new URL(portal).origin]);
    // Leaflet fades the popup in: contrast is judged once it is opaque.
    await expect.poll(() => visitor.locator('.leaflet-popup').evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    await expectAccessible(visitor);
    await screenshot(visitor, 'datastore-visitor-map');

    // The static dataset page, once rebuilt, lists the resource under "Données requêtables" with its explorer link
    // (the demo dataset may already have another queryable resource).
    await expect.poll(async () => (await fetch(`${portal}/dataset/${dataset.slug}`)).text(), { timeout: 240_000, interval: 500 })
      .toContain('Explorer les données<span class="sr-only"> – Équipements sportifs</span>');
    await visitor.goto(`${portal}/dataset/${dataset.slug}`);
    await visitor.getByRole('link', { name: 'Explorer les données – Équipements sportifs' }).waitFor();
    await expectAccessible(visitor);
    await screenshot(visitor, 'datastore-dataset-queryable');
    await visitor.close();
    await page.close();
  }, 600_000);

  it('explore a census-style file of 300 columns: filter, sort and chart columns stored in its third table', async () => {
    // INSEE-style: a commune, then 298 counts, then the département (column 300, in the fourth table).
    const header = ['commune', ...Array.from({ length: 298 }, (_, i) => `P21_POP${String(i + 1).padStart(3, '0')}`), 'departement'];
    const lines = [header.join(',')];
    for (let r = 1; r <= 60; r++) lines.push([`Commune ${r}`, ...Array.from({ length: 298 }, (_, i) => String(r * (i + 1))), r % 2 === 0 ? '34' : '30'].join(','));
    const file = join(mkdtempSync(join(tmpdir(), 'portail-explorer-')), 'recensement.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const { page, resourceId } = await publishAsAnalyst('Recensement', file);
    await page.goto(`${portal}/user/datasets/${dataset.id}/resources/${resourceId}/datastore`);
    await page.getByRole('heading', { name: 'Rapport de chargement' }).waitFor({ timeout: 240_000 });
    expect(await page.locator('[data-progress-state]').textContent()).toBe('Données requêtables');

    await page.goto(`${portal}/dataset/${dataset.slug}/resource/${resourceId}`);
    const status = page.locator('#explorer-panel-grid .explorer-status');
    await expect.poll(() => status.textContent()).toBe('Lignes 1 à 25 sur 60');
    expect(await page.locator('#explorer-panel-grid thead th').count()).toBe(300);
    await page.getByLabel('Filtrer « departement » (valeur exacte)').fill('34');
    await page.getByLabel('Filtrer « departement » (valeur exacte)').press('Enter');
    await expect.poll(() => status.textContent()).toBe('Lignes 1 à 25 sur 30');
    await page.getByRole('button', { name: 'Trier par « P21_POP250 »' }).click();
    await page.getByRole('button', { name: 'Trier par « P21_POP250 »' }).click();
    await expect.poll(() => page.locator('th[data-column="P21_POP250"]').getAttribute('aria-sort')).toBe('descending');
    await expect.poll(() => page.locator('#explorer-panel-grid tbody tr:first-child td:first-child').textContent()).toBe('Commune 60');
    expect(await page.locator('#explorer-panel-grid tbody tr:first-child td:nth-child(250)').textContent()).toBe((60 * 249).toLocaleString('fr-FR'));
    await expectAccessible(page);
    await screenshot(page, 'datastore-explorer-wide-grid');

    await page.getByRole('tab', { name: 'Graphique' }).click();
    await page.getByLabel('Type de graphique').selectOption('bar');
    await page.getByLabel('Axe X (catégories)').selectOption('departement');
    await page.getByLabel('Agrégation par catégorie').selectOption('sum');
    await page.getByLabel('P21_POP298', { exact: true }).check();
    await page.getByRole('button', { name: 'Tracer le graphique' }).click();
    await page.locator('.explorer-chart canvas').waitFor();
    await page.locator('.explorer-chart-data summary').click();
    expect((await page.locator('.explorer-chart-data tbody tr th').allTextContents()).sort()).toEqual(['30', '34']);
    await screenshot(page, 'datastore-explorer-wide-chart');
    await page.close();
  }, 600_000);
});
