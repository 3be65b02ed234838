// A person signs up, confirms from the dev mailbox, signs in and out, resets the password from the mailbox and
// signs in again: against the portal started as `npm start` does, in Chromium.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, screenshot, seriousViolations } from './browser';

const portal = inject('portalUrl');
const EMAIL = 'camille.dupont@ville-exemple.fr';
const FIRST_PASSWORD = 'les tilleuls de la place du marché';
const NEW_PASSWORD = 'un autre été sous les platanes';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});


/** Opens the newest mail to EMAIL whose subject matches, in the dev mailbox, and follows its link to `path`. */
async function followMailedLink(page: Page, subject: RegExp, path: string): Promise<void> {
  await page.goto(`${portal}/dev/mailbox`);
  await page.locator('tr', { hasText: EMAIL }).getByRole('link', { name: subject }).first().click();
  await expect.poll(() => page.locator('[data-mail-body]').textContent()).toContain(path);
  await page.locator('[data-mail-body] a', { hasText: `${path}?token=` }).click();
  await page.waitForURL((url) => url.pathname === path);
}

async function signIn(page: Page, password: string): Promise<void> {
  await page.goto(`${portal}/user/login?next=/user/profile`);
  await page.getByLabel("Nom d'utilisateur ou adresse e-mail").fill('camille-dupont');
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

describe('accounts', () => {
  it('sign up → confirm from the mailbox → sign in → sign out → reset from the mailbox → sign in with the new password', async () => {
    const page = await browser.newPage();

    await page.goto(`${portal}/user/register`);
    expect(await seriousViolations(page), 'sign-up page').toEqual([]);
    await page.getByLabel("Nom d'utilisateur").fill('camille-dupont');
    await page.getByLabel('Prénom').fill('Camille');
    await page.getByLabel('Nom', { exact: true }).fill('Dupont');
    await page.getByLabel('Adresse e-mail', { exact: true }).fill(EMAIL);
    await page.getByLabel('Mot de passe').fill(FIRST_PASSWORD);
    await page.getByLabel(/J'accepte les/).check();
    await screenshot(page, 'account-sign-up');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Confirmez votre adresse e-mail');
    expect(await page.locator('main').textContent()).toContain(EMAIL);

    await followMailedLink(page, /Confirmez votre inscription/, '/user/confirm');
    await screenshot(page, 'account-mail-confirm');
    await page.getByRole('button', { name: 'Confirmer mon adresse' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Adresse confirmée');

    await page.goto(`${portal}/user/login`);
    expect(await seriousViolations(page), 'sign-in page').toEqual([]);
    await signIn(page, FIRST_PASSWORD);
    await page.waitForURL(`${portal}/user/profile`);
    await expect.poll(() => page.getByLabel('Prénom').inputValue()).toBe('Camille');
    expect(await seriousViolations(page), 'profile page').toEqual([]);
    await screenshot(page, 'account-profile');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL((url) => url.pathname === '/user/login');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Vous êtes déconnecté.');

    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    await page.getByLabel("Nom d'utilisateur ou adresse e-mail").fill(EMAIL);
    await page.getByRole('button', { name: 'Recevoir un lien' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Si un compte correspond');
    await followMailedLink(page, /Choisir un nouveau mot de passe/, '/user/reset/new');
    await page.getByLabel('Nouveau mot de passe').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Enregistrer le nouveau mot de passe' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Mot de passe modifié');

    await signIn(page, FIRST_PASSWORD);
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('mot de passe incorrect');
    await signIn(page, NEW_PASSWORD);
    await page.waitForURL(`${portal}/user/profile`);
    await screenshot(page, 'account-signed-in-after-reset');
    await page.close();
  });
});
