// A contributeur publishes a dataset through the form, finds it in the public catalogue after the rebuild, then
// deletes it and sees it leave the catalogue — against the portal started as `npm start` does, in Chromium.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../worker/src/domain/password-hash';
import { executeLocalSql } from './local-d1';
import { launchBrowser, screenshot, seriousViolations } from './browser';

const ROOT = resolve(import.meta.dirname, '../..');
const portal = inject('portalUrl');
const demo = JSON.parse(readFileSync(resolve(ROOT, 'content/demo/catalogue.json'), 'utf8')) as { organizations: { id: string; legalName: string }[] };
const organization = demo.organizations[0]!;

const USERNAME = 'contributrice-e2e';
const PASSWORD = 'une phrase de passe pour le test de bout en bout';
// Markup in the title and description must come out as text on the static page.
const TITLE = 'Bornes zéphyrines <i>2026</i>';
const SLUG = 'bornes-zephyrines-i-2026-i';
const DESCRIPTION = 'Recensement des **bornes zéphyrines**.\n\n<script>window.__injected = 1</script><img src=x onerror="window.__injected = 2">';

let browser: Browser;

const sql = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Accounts have no public sign-up yet: the contributeur is written into the test portal's D1 as an operator would. */
async function seedContributor(): Promise<void> {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  const statements = [
    `INSERT INTO users (id, username, email, first_name, last_name, password_hash, email_confirmed_at, terms_version, terms_accepted_at, created_at, updated_at)
     VALUES (${sql(id)}, ${sql(USERNAME)}, 'contributrice-e2e@laregion.fr', 'Camille', 'Durand', ${sql(await hashPassword(PASSWORD))}, ${sql(now)},
       (SELECT version FROM terms_versions ORDER BY published_at DESC LIMIT 1), ${sql(now)}, ${sql(now)}, ${sql(now)})`,
    `INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES (${sql(id)}, ${sql(organization.id)}, 'member', ${sql(now)}),
       (${sql(id)}, ${sql(organization.id)}, 'contributor', ${sql(now)})`,
  ];
  await executeLocalSql(statements.join(';\n'));
}


async function resultCount(page: Page): Promise<number> {
  const text = (await page.locator('[data-count]').textContent()) ?? '';
  const match = text.replace(/[\s\u202f\u00a0]/g, '').match(/^(\d+)/);
  return match ? Number(match[1]) : NaN;
}

const pageStatus = async (path: string) => (await fetch(`${portal}${path}`)).status;

beforeAll(async () => {
  await seedContributor();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('publishing a dataset through the contributor form', () => {
  it('a contributeur creates and publishes a dataset, finds it in the catalogue after the rebuild, then deletes it', async () => {
    const page = await browser.newPage();
    await page.goto(`${portal}/user/login?next=/user/datasets`);
    await page.getByLabel('Nom d\'utilisateur ou adresse e-mail').fill(USERNAME);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL('**/user/datasets');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Mes jeux de données');
    expect(await seriousViolations(page), 'dashboard').toEqual([]);

    await page.getByRole('link', { name: 'Publier un jeu de données' }).click();
    await page.waitForURL('**/user/datasets/new');
    await page.getByLabel('Titre', { exact: true }).fill(TITLE);
    await page.getByLabel('Descriptif').fill(DESCRIPTION);
    await page.getByLabel('Licence', { exact: true }).selectOption('lov2');

    // The autocomplete proposes the existing keyword; choosing it with the keyboard completes the list.
    const keywords = page.getByRole('combobox', { name: 'Mots-clés' });
    await keywords.pressSequentially('transp');
    const suggestions = page.getByRole('listbox', { name: 'Mots-clés existants' }).getByRole('option');
    await expect.poll(() => suggestions.first().textContent(), { timeout: 10_000 }).toBe('transport');
    await keywords.press('ArrowDown');
    await keywords.press('Enter');
    await expect.poll(() => keywords.inputValue()).toBe('transport, ');
    await keywords.pressSequentially('bornes de recharge');
    await page.getByLabel('Mobilité et transports').check();
    await page.getByLabel('Publié : visible de tous dans le catalogue').check();
    await page.keyboard.press('Escape');
    expect(await seriousViolations(page), 'dataset form').toEqual([]);
    await screenshot(page, 'publish-dataset-form');

    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(/\/user\/datasets\/[^/]+\/edit\?done=created$/);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Étape 2 : ajoutez-lui des ressources');
    await screenshot(page, 'publish-dataset-saved');

    // The rebuild is asynchronous: wait for the static page, then for the search index to know the dataset.
    await expect.poll(() => pageStatus(`/dataset/${SLUG}`), { timeout: 120_000, interval: 250 }).toBe(200);
    const search = await browser.newPage();
    await search.goto(`${portal}/dataset?q=z%C3%A9phyrines`);
    await expect.poll(() => resultCount(search), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => search.locator('[data-results]').textContent()).toContain(TITLE);
    await screenshot(search, 'publish-dataset-search');

    const datasetPage = await browser.newPage();
    await datasetPage.goto(`${portal}/dataset/${SLUG}`);
    await expect.poll(() => datasetPage.getByRole('heading', { level: 1 }).textContent()).toBe(TITLE);
    const main = (await datasetPage.locator('main').textContent()) ?? '';
    expect(main).toContain('<script>window.__injected = 1</script>');
    expect(main).toContain(organization.legalName);
    expect(main).toContain('transport');
    expect(main).toContain('bornes de recharge');
    expect(await datasetPage.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
    await screenshot(datasetPage, 'publish-dataset-page');

    // Deleting asks for the title; the dataset then leaves the catalogue at the next rebuild.
    await page.goto(`${portal}/user/datasets`);
    await page.getByRole('link', { name: `Supprimer « ${TITLE} »` }).click();
    await page.waitForURL(/\/delete$/);
    await page.getByLabel(/Pour confirmer, saisissez le titre/).fill(TITLE);
    await screenshot(page, 'publish-dataset-delete');
    await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
    await page.waitForURL('**/user/datasets?done=deleted');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Le jeu de données a été supprimé');
    await screenshot(page, 'publish-dataset-dashboard-after-delete');

    await expect.poll(() => pageStatus(`/dataset/${SLUG}`), { timeout: 120_000, interval: 250 }).toBe(404);
    const after = await browser.newPage();
    // The search island fills the count: the DOM is enough, the poll waits for the answer.
    await after.goto(`${portal}/dataset?q=z%C3%A9phyrines`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await expect.poll(() => resultCount(after), { timeout: 30_000 }).toBe(0);
    await Promise.all([page.close(), search.close(), datasetPage.close(), after.close()]);
  }, 300_000); // two site rebuilds, each up to two minutes on a busy machine
});
