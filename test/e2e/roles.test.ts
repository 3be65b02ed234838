// Roles end to end, in Chromium against the portal started as `npm start` does: an operator creates the first
// administrator with `npm run admin`; Alice signs up asking for a new organisation and the référent status; the
// administrator validates both; Bruno signs up asking to contribute to it; Alice, now référente, validates him; Bruno
// sees the contributor features.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, screenshot, seriousViolations } from './browser';

const portal = inject('portalUrl');
const stateDir = inject('stateDir');
const ROOT = resolve(import.meta.dirname, '../..');
const ORGANIZATION = 'Syndicat mixte des eaux du Lodévois';
const ADMIN = { username: 'admin-portail', email: 'admin@portail.example', password: 'le phare de la jetée au petit matin' };
const ALICE = { username: 'alice-martin', first: 'Alice', last: 'Martin', email: 'alice.martin@eaux-lodevois.fr', password: 'trois hérons sur la berge du lac' };
const BRUNO = { username: 'bruno-garcia', first: 'Bruno', last: 'Garcia', email: 'bruno.garcia@eaux-lodevois.fr', password: 'une barque bleue amarrée au ponton' };

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});


async function signUp(page: Page, person: typeof ALICE, organization: 'new' | 'existing', role: 'Devenir référent' | 'Devenir contributeur'): Promise<void> {
  await page.goto(`${portal}/user/register`);
  await page.getByLabel("Nom d'utilisateur").fill(person.username);
  await page.getByLabel('Prénom').fill(person.first);
  await page.getByLabel('Nom', { exact: true }).fill(person.last);
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(person.email);
  await page.getByLabel('Mot de passe').fill(person.password);
  if (organization === 'new') {
    await page.getByLabel("Je demande la création d'une nouvelle organisation").check();
    await page.getByLabel('Dénomination sociale').fill(ORGANIZATION);
    await page.getByLabel("Type d'organisation").selectOption('syndicat');
    await page.getByLabel("Domaines de messagerie de l'organisation").fill('eaux-lodevois.fr');
  } else {
    await page.getByLabel('Je demande mon rattachement à une organisation existante').check();
    await page.locator('select[name="organization_id"]').selectOption({ label: ORGANIZATION });
  }
  await page.getByLabel(role).check();
  await page.getByLabel(/J'accepte les/).check();
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Confirmez votre adresse e-mail');

  await page.goto(`${portal}/dev/mailbox`);
  await page.locator('tr', { hasText: person.email }).getByRole('link', { name: /Confirmez votre inscription/ }).first().click();
  await page.locator('[data-mail-body] a', { hasText: '/user/confirm?token=' }).click();
  await page.getByRole('button', { name: 'Confirmer mon adresse' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Adresse confirmée');
}

async function signedIn(person: { username: string; password: string }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${portal}/user/login`);
  await page.getByLabel("Nom d'utilisateur ou adresse e-mail").fill(person.username);
  await page.getByLabel('Mot de passe', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${portal}/user`);
  return { context, page };
}

/** Accepts, in the validation queue, the request whose card title contains `what`. */
async function accept(page: Page, what: string): Promise<void> {
  await page.goto(`${portal}/user/validation`);
  const card = page.locator('.request-card', { hasText: what });
  await card.getByRole('button', { name: 'Accepter' }).click();
  await expect.poll(() => page.getByRole('status').textContent()).toContain('Demande acceptée');
}

describe('roles and validation queues', () => {
  it('an administrator validates a new organisation and its référente, who then validates a contributeur', async () => {
    const created = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'create-admin',
      '--username', ADMIN.username, '--email', ADMIN.email, '--password', ADMIN.password], {
      cwd: ROOT, env: { ...process.env, PORTAL_STATE_DIR: stateDir }, encoding: 'utf8',
    });
    expect(created.status, created.stderr).toBe(0);

    const visitor = await browser.newContext();
    const signUpPage = await visitor.newPage();
    await signUp(signUpPage, ALICE, 'new', 'Devenir référent');

    const admin = await signedIn(ADMIN);
    await admin.page.goto(`${portal}/user/validation`);
    expect(await seriousViolations(admin.page), 'validation queue').toEqual([]);
    await screenshot(admin.page, 'roles-admin-queue');
    await accept(admin.page, "création de l'organisation");
    await accept(admin.page, 'statut de référent');
    await admin.page.goto(`${portal}/admin`);
    expect(await seriousViolations(admin.page), 'administration dashboard').toEqual([]);
    await admin.page.goto(`${portal}/admin/organizations`);
    await expect.poll(() => admin.page.locator('main').textContent()).toContain(ORGANIZATION);
    await screenshot(admin.page, 'roles-admin-organizations');

    await signUp(signUpPage, BRUNO, 'existing', 'Devenir contributeur');
    await visitor.close();

    const alice = await signedIn(ALICE);
    await expect.poll(() => alice.page.locator('main').textContent()).toContain('1 demande attend votre validation');
    await alice.page.goto(`${portal}/user/validation`);
    await expect.poll(() => alice.page.locator('.request-card').count()).toBe(1);
    expect(await alice.page.locator('.request-card').textContent()).toContain(BRUNO.email);
    await screenshot(alice.page, 'roles-referent-queue');
    await accept(alice.page, 'statut de contributeur');

    const bruno = await signedIn(BRUNO);
    await expect.poll(() => bruno.page.locator('main').textContent()).toContain('Espace contributeur');
    expect(await bruno.page.locator('main').textContent()).toContain(`Vous pouvez publier des jeux de données pour : ${ORGANIZATION}`);
    expect(await seriousViolations(bruno.page), 'account home').toEqual([]);
    await screenshot(bruno.page, 'roles-contributor-home');
    await bruno.page.goto(`${portal}/user/datasets/new`);
    await expect.poll(() => bruno.page.locator('select[name="organization"] option', { hasText: ORGANIZATION }).count()).toBe(1);

    await bruno.page.goto(`${portal}/dev/mailbox`);
    await expect.poll(() => bruno.page.locator('tr', { hasText: BRUNO.email }).filter({ hasText: 'Demande acceptée' }).count()).toBe(1);
    await bruno.page.goto(`${portal}/user/organizations`);
    expect(await seriousViolations(bruno.page), 'my organisations').toEqual([]);
    await screenshot(bruno.page, 'roles-my-organizations');

    for (const session of [admin, alice, bruno]) await session.context.close();
  });
});
