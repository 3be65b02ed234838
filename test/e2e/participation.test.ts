// Participation end to end (issue 5), against the portal started as `npm start` does, in Chromium: follow an
// organisation and receive the mail of a dataset published in it; request access to a restricted resource, have the
// référent grant it, download it (and still not as someone else); declare a réutilisation and see it on the dataset
// page after the rebuild; report it and moderate it. axe runs on every new page; screenshots go to test-results.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../worker/src/domain/password-hash';
import { executeLocalSql } from './local-d1';
import { launchBrowser, screenshot, seriousViolations } from './browser';

const portal = inject('portalUrl');
const HERAULT = '259f8b83-0f90-411b-be94-4646d21af170';
const FIBRE = 'reseau-departemental-de-fibre-optique';
const FIBRE_GEOJSON = '24b91a9b-f42c-4dba-9df8-d6e47079179f';
const PASSWORD = 'une phrase de passe pour la participation';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3d5a1b90000000049454e44ae426082', 'hex');

const USERS = {
  referent: { username: 'referent-herault-e2e', email: 'referent-e2e@herault.fr' },
  requester: { username: 'demandeuse-e2e', email: 'demandeuse-e2e@example.org' },
  other: { username: 'autre-e2e', email: 'autre-e2e@example.org' },
  follower: { username: 'abonnee-e2e', email: 'abonnee-e2e@example.org' },
  admin: { username: 'admin-participation-e2e', email: 'admin-participation-e2e@example.org' },
} as const;
type Who = keyof typeof USERS;

const sql = (value: string) => `'${value.replace(/'/g, "''")}'`;

async function seedUsers(): Promise<void> {
  const hash = await hashPassword(PASSWORD);
  const now = new Date().toISOString();
  const statements: string[] = [];
  for (const [who, u] of Object.entries(USERS)) {
    const id = crypto.randomUUID();
    statements.push(`INSERT INTO users (id, username, email, first_name, last_name, password_hash, email_confirmed_at, is_admin, terms_version, terms_accepted_at, created_at, updated_at)
      VALUES (${sql(id)}, ${sql(u.username)}, ${sql(u.email)}, 'Dominique', ${sql(who)}, ${sql(hash)}, ${sql(now)}, ${who === 'admin' ? 1 : 0},
        (SELECT version FROM terms_versions ORDER BY published_at DESC LIMIT 1), ${sql(now)}, ${sql(now)}, ${sql(now)})`);
    if (who === 'referent') {
      statements.push(`INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES (${sql(id)}, ${sql(HERAULT)}, 'member', ${sql(now)}),
        (${sql(id)}, ${sql(HERAULT)}, 'contributor', ${sql(now)}), (${sql(id)}, ${sql(HERAULT)}, 'referent', ${sql(now)})`);
    }
  }
  await executeLocalSql(statements.join(';\n'));
}

let browser: Browser;
const contexts = new Map<Who, BrowserContext>();

/** One browser context per person, signed in once. */
async function as(who: Who): Promise<Page> {
  let context = contexts.get(who);
  if (!context) {
    context = await browser.newContext();
    contexts.set(who, context);
    const page = await context.newPage();
    await page.goto(`${portal}/user/login?next=/user`);
    await page.getByLabel('Nom d\'utilisateur ou adresse e-mail').fill(USERS[who].username);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL('**/user');
    await page.close();
  }
  return context.newPage();
}

async function noSeriousViolations(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page), name).toEqual([]);
  await screenshot(page, `participation-${name}`);
}

const status = async (path: string) => (await fetch(`${portal}${path}`)).status;
const mailbox = async () => (await fetch(`${portal}/dev/mailbox`)).text();

beforeAll(async () => {
  await seedUsers();
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const context of contexts.values()) await context.close();
  await browser?.close();
});

describe('participation', () => {
  it('follow an organisation; a dataset published in it reaches the follower’s mailbox', async () => {
    const page = await as('follower');
    await page.goto(`${portal}/organization/departement-de-l-herault`);
    const follow = page.locator('[data-follow-type="organization"]');
    await expect.poll(() => follow.getAttribute('aria-pressed')).toBe('false');
    await follow.click();
    await expect.poll(() => follow.getAttribute('aria-pressed')).toBe('true');
    await noSeriousViolations(page, 'organization-following');
    await page.goto(`${portal}/user/subscriptions`);
    await expect.poll(() => page.locator('main').textContent()).toContain('Département de l\'Hérault');
    await noSeriousViolations(page, 'subscriptions');

    const producer = await as('referent');
    await producer.goto(`${portal}/user/datasets/new`);
    await producer.getByLabel('Titre', { exact: true }).fill('Aires de covoiturage de l’Hérault');
    await producer.getByLabel('Descriptif').fill('Emplacements des aires de covoiturage.');
    await producer.getByLabel('Licence', { exact: true }).selectOption('lov2');
    await producer.getByLabel('Mobilité et transports').check();
    await producer.getByLabel('Publié : visible de tous dans le catalogue').check();
    await producer.getByRole('button', { name: 'Enregistrer' }).click();
    await producer.waitForURL(/\/user\/datasets\/[^/]+\/edit\?done=created$/);

    // Other mails share the subject (the référents'): wait for the follower's own, which comes after the rebuild.
    const box = await as('follower');
    const followerMail = box.getByRole('row').filter({ hasText: USERS.follower.email }).filter({ hasText: 'Nouveau jeu de données : Aires de covoiturage de l’Hérault' });
    await expect.poll(async () => {
      await box.goto(`${portal}/dev/mailbox`);
      return followerMail.count();
    }, { timeout: 180_000, interval: 1000 }).toBe(1);
    await followerMail.getByRole('link').click();
    await expect.poll(() => box.locator('[data-mail-body]').textContent()).toContain('Ne plus suivre « Département de l\'Hérault » en un clic');
    await screenshot(box, 'participation-follow-mail');
    await Promise.all([page.close(), producer.close(), box.close()]);
  }, 240_000);

  it('request access to a restricted resource; the référent grants it; the download works for that user only', async () => {
    const download = `/dataset/${FIBRE}/resource/${FIBRE_GEOJSON}/download/reseau.geojson`;
    const page = await as('requester');
    await page.goto(`${portal}/dataset/${FIBRE}`);
    await noSeriousViolations(page, 'dataset-page');
    expect((await page.request.get(`${portal}${download}`)).status()).toBe(403);
    await page.locator('details.access summary').first().click();
    await page.getByRole('link', { name: /Demander l’accès au producteur/ }).click();
    await page.waitForURL(/\/user\/access-requests\/new/);
    await page.getByLabel('Raison de la demande').fill('Étude du déploiement de la fibre pour une thèse de géographie.');
    await noSeriousViolations(page, 'access-request-form');
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    await page.waitForURL('**/user/access-requests?done=sent');
    await noSeriousViolations(page, 'access-requests-mine');

    const referent = await as('referent');
    await referent.goto(`${portal}/user/access-requests`);
    await referent.getByRole('link', { name: 'Réseau départemental de fibre optique' }).first().click();
    await referent.waitForURL(/\/user\/access-requests\/[^/]+$/);
    await noSeriousViolations(referent, 'access-request-decide');
    await referent.getByLabel('Accorder l’accès à').selectOption('user');
    await referent.getByRole('button', { name: 'Accorder l’accès' }).click();
    await referent.waitForURL('**/user/access-requests?done=granted');

    expect((await page.request.get(`${portal}${download}`)).status()).toBe(200);
    const other = await as('other');
    expect((await other.request.get(`${portal}${download}`)).status()).toBe(403);
    expect(await mailbox()).toContain('Accès accordé : Réseau départemental de fibre optique (accès restreint)');
    await Promise.all([page.close(), referent.close(), other.close()]);
  }, 120_000);

  it('declare a réutilisation, see it on the dataset page after the rebuild, report it, an administrator hides it', async () => {
    const page = await as('requester');
    await page.goto(`${portal}/dataset/${FIBRE}`);
    await page.getByRole('link', { name: 'Déclarer une réutilisation de ce jeu de données' }).click();
    await page.waitForURL(/\/user\/showcases\/new/);
    await page.getByLabel('Titre').fill('Carte de la fibre <b>héraultaise</b>');
    await page.getByLabel('Type').selectOption('visualization');
    await page.getByLabel('Description').fill('Une carte interactive du réseau.');
    await page.getByLabel('Adresse de la réutilisation').fill('https://exemple.fr/carte-fibre');
    await page.getByLabel(/^Image/).setInputFiles({ name: 'carte.png', mimeType: 'image/png', buffer: PNG });
    await noSeriousViolations(page, 'showcase-form');
    await page.getByRole('button', { name: 'Déclarer la réutilisation' }).click();
    await page.waitForURL('**/user/showcases?done=created');

    const slug = 'carte-de-la-fibre-b-heraultaise-b';
    await expect.poll(async () => (await fetch(`${portal}/dataset/${FIBRE}`)).text(), { timeout: 120_000, interval: 500 }).toContain(`/showcase/${slug}`);
    const dataset = await as('other');
    await dataset.goto(`${portal}/dataset/${FIBRE}`);
    await expect.poll(() => dataset.locator('#showcases').locator('..').textContent()).toContain('Carte de la fibre <b>héraultaise</b>');
    await screenshot(dataset, 'participation-dataset-with-showcase');

    await dataset.goto(`${portal}/showcase/${slug}`);
    await dataset.getByRole('link', { name: 'Signaler un contenu' }).click();
    await dataset.waitForURL(/\/user\/reports\/new/);
    await dataset.getByLabel('Raison du signalement').fill('Cette carte reprend des données d’un autre site sans autorisation.');
    await noSeriousViolations(dataset, 'report-form');
    await dataset.getByRole('button', { name: 'Envoyer le signalement' }).click();
    await expect.poll(() => dataset.getByRole('status').textContent()).toContain('les administrateurs examineront votre signalement');

    const admin = await as('admin');
    await admin.goto(`${portal}/admin/reports`);
    await noSeriousViolations(admin, 'admin-reports');
    await admin.getByLabel('Message au signaleur').fill('Masquée le temps de vérifier les droits.');
    await admin.getByRole('button', { name: 'Masquer' }).click();
    await admin.waitForURL('**/admin/reports?done=1');
    await expect.poll(() => status(`/showcase/${slug}`), { timeout: 120_000, interval: 500 }).toBe(404);
    expect(await mailbox()).toContain('Votre signalement : Carte de la fibre &lt;b&gt;héraultaise&lt;/b&gt;');
    await Promise.all([page.close(), dataset.close(), admin.close()]);
  }, 300_000);

  it('the other participation pages pass axe: contact, data request, share panel, embed card, data request inbox', async () => {
    const page = await as('other');
    await page.goto(`${portal}/dataset/${FIBRE}`);
    await page.getByText('Partager', { exact: true }).click();
    await noSeriousViolations(page, 'share-panel');
    await page.getByRole('link', { name: 'Contacter le producteur' }).click();
    await page.waitForURL(/\/user\/contact\//);
    await noSeriousViolations(page, 'contact-form');
    await page.goto(`${portal}/user/data-requests/new`);
    await noSeriousViolations(page, 'data-request-form');
    // The card forbids every script (CSP): axe is injected by a context that bypasses it.
    const framed = await browser.newContext({ bypassCSP: true });
    const embed = await framed.newPage();
    await embed.goto(`${portal}/embed/dataset/${FIBRE}`);
    await noSeriousViolations(embed, 'embed-card');
    await framed.close();
    const admin = await as('admin');
    await admin.goto(`${portal}/admin/data-requests`);
    await noSeriousViolations(admin, 'admin-data-requests');
    await admin.goto(`${portal}/admin/showcases`);
    await noSeriousViolations(admin, 'admin-showcases');
    await Promise.all([page.close(), admin.close()]);
  }, 120_000);
});
