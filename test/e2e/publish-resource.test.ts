// A contributeur publishes a resource through the browser: upload with the progress bar, format recognised, dataset
// page rebuilt with the new resource, and the download serving the very bytes sent.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedContributor } from './local-d1';
import { launchBrowser, screenshot } from './browser';

const ROOT = resolve(import.meta.dirname, '../..');
const portal = inject('portalUrl');
const demo = JSON.parse(readFileSync(resolve(ROOT, 'content/demo/catalogue.json'), 'utf8')) as {
  organizations: { id: string; slug: string }[];
  datasets: { id: string; slug: string; organization: string; published?: boolean }[];
};
const dataset = demo.datasets.find((d) => d.published !== false)!;
const organization = demo.organizations.find((o) => o.slug === dataset.organization)!;
const PASSWORD = 'une phrase de passe pour les tests';


let browser: Browser;

beforeAll(async () => {
  await seedContributor({ username: 'contributrice', firstName: 'Claire', lastName: 'Dupont', password: PASSWORD, organizationId: organization.id, datasetId: dataset.id });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('publishing a resource', () => {
  it('a contributeur uploads a CSV with the progress bar; after the rebuild the dataset page lists it and the download serves the same bytes', async () => {
    // ~17 MB: three 8 MiB parts, so the bar moves through several requests. No coordinate columns: this test is about
    // the upload, not the geographic layer a CSV with coordinates also becomes (test/e2e/ogc-*.test.ts).
    const line = 'Montpellier;34172;302454;Hérault;Occitanie\n';
    const csv = 'commune;code_insee;population;departement;region\n' + line.repeat(Math.ceil(17_000_000 / line.length));
    const file = join(mkdtempSync(join(tmpdir(), 'portail-upload-')), 'population-communes-test.csv');
    writeFileSync(file, csv);

    const page = await browser.newPage();
    await page.goto(`${portal}/user/login`);
    await page.fill('#field-identifier', 'contributrice');
    await page.fill('#field-password', PASSWORD);
    await page.locator('form[action="/user/login"] button[type="submit"]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/user/login'));

    await page.goto(`${portal}/user/datasets/${dataset.id}/resources/new`);
    await page.fill('#field-title', 'Population test (CSV)');
    // Only the chosen source's fields are shown.
    expect(await page.locator('[data-mode-section="url_download"]').isHidden()).toBe(true);
    const progress = page.locator('[data-upload-progress] progress');
    const seen: number[] = [];
    await page.setInputFiles('#field-file', file);
    await expect.poll(async () => {
      const value = Number(await progress.getAttribute('value'));
      if (!seen.includes(value)) seen.push(value);
      return value;
    }, { timeout: 60_000, interval: 50 }).toBe(100);
    expect(await progress.isVisible()).toBe(true);
    expect(await page.locator('[data-upload-status]').textContent()).toContain('Fichier envoyé : 100 % — Format reconnu : CSV.');
    expect(seen.length).toBeGreaterThan(1); // the bar moved before reaching 100 %
    expect(await page.locator('#field-format').inputValue()).toBe('CSV');
    await screenshot(page, 'resource-upload-progress');

    await page.getByRole('button', { name: 'Enregistrer la ressource' }).click();
    await page.waitForURL(/\/resources\/[0-9a-f-]+\/edit\?saved/);
    expect(await page.locator('[role="status"]').first().textContent()).toContain('La ressource est enregistrée.');
    await screenshot(page, 'resource-saved');
    const resourceId = /resources\/([0-9a-f-]+)\/edit/.exec(page.url())![1]!;

    // The dataset is published: the static page shows the resource once the rebuild is done.
    await expect.poll(async () => (await fetch(`${portal}/dataset/${dataset.slug}`)).text(), { timeout: 240_000, interval: 500 })
      .toContain('Population test (CSV)');
    await page.goto(`${portal}/dataset/${dataset.slug}`);
    await screenshot(page, 'dataset-with-new-resource');

    const downloaded = await fetch(`${portal}/dataset/${dataset.id}/resource/${resourceId}/download/population-communes-test.csv`);
    expect(downloaded.status).toBe(200);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(Buffer.from(csv))).toBe(true);
    await page.close();
  }, 420_000);
});
