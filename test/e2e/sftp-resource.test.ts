// A file deposited with OpenSSH's sftp becomes a resource: the contributeur picks it in the resource form's list of
// deposited files, saves it with a weekly schedule, and after the rebuild the dataset page offers it and the download
// serves the very bytes deposited.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedContributor } from './local-d1';
import { launchBrowser, screenshot, seriousViolations } from './browser';

const ROOT = resolve(import.meta.dirname, '../..');
const portal = inject('portalUrl');
const demo = JSON.parse(readFileSync(resolve(ROOT, 'content/demo/catalogue.json'), 'utf8')) as {
  organizations: { id: string; slug: string }[];
  datasets: { id: string; slug: string; title: string; organization: string; published?: boolean; resources: { accessLevel?: string }[] }[];
};
// A published dataset with only public resources, not the one publish-resource.test.ts edits.
const dataset = demo.datasets.filter((d) => d.published !== false && d.resources.every((r) => (r.accessLevel ?? 'public') === 'public'))[1]!;
const organization = demo.organizations.find((o) => o.slug === dataset.organization)!;
const USERNAME = 'depot-ressource';
const PASSWORD = 'une phrase de passe pour déposer';
const RESOURCE_TITLE = 'Relevés des stations (dépôt sFTP)';
// Accents and a `;` separator: the bytes must come back exactly as deposited.
const CONTENT = 'station;commune;débit_m3s\nY2015020;Pézenas;12,4\nY2102010;Lodève;3,75\n'.repeat(200);

const work = mkdtempSync(join(tmpdir(), 'portail-sftp-resource-e2e-'));
let browser: Browser;


/** OpenSSH's sftp in batch mode, signed in with the portal password (through sshpass, as a person would type it). */
function sftp(batch: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const batchFile = join(work, 'batch');
  writeFileSync(batchFile, batch);
  const args = ['-e', 'sftp', '-F', '/dev/null', '-o', `UserKnownHostsFile=${join(work, 'known_hosts')}`, '-o', 'StrictHostKeyChecking=accept-new',
    '-o', 'ConnectTimeout=30', '-o', 'BatchMode=no', '-o', 'PreferredAuthentications=password', '-o', 'PubkeyAuthentication=no',
    '-b', batchFile, '-P', String(inject('sftpPort')), `${USERNAME}@127.0.0.1`];
  return new Promise((done) => {
    execFile('sshpass', args, { cwd: work, env: { ...process.env, SSHPASS: PASSWORD }, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  await seedContributor({ username: USERNAME, firstName: 'Léa', lastName: 'Martin', password: PASSWORD, organizationId: organization.id, datasetId: dataset.id });
  writeFileSync(join(work, 'stations.csv'), CONTENT);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('a resource from the SFTP deposit', () => {
  it('deposited with sftp, picked in the resource form with a schedule, offered on the rebuilt dataset page with the same bytes', async () => {
    const run = await sftp('mkdir releves\nput stations.csv releves/stations.csv\n');
    expect(run.code, run.stderr).toBe(0);

    const page = await browser.newPage();
    await page.goto(`${portal}/user/login`);
    await page.fill('#field-identifier', USERNAME);
    await page.fill('#field-password', PASSWORD);
    await page.locator('form[action="/user/login"] button[type="submit"]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/user/login'));

    await page.goto(`${portal}/user/datasets/${dataset.id}/resources/new`);
    await page.fill('#field-title', RESOURCE_TITLE);
    await page.check('#mode-sftp');
    // Only the chosen source's fields are shown: the deposit list replaces the file field.
    await expect.poll(() => page.locator('#field-sftp_path').isVisible()).toBe(true);
    expect(await page.locator('#field-file').isHidden()).toBe(true);
    const choices = await page.locator('#field-sftp_path option').allTextContents();
    expect(choices).toEqual([expect.stringContaining('Choisir'), expect.stringMatching(/^releves\/stations\.csv \(/)]);
    await page.selectOption('#field-sftp_path', 'releves/stations.csv');
    await page.selectOption('#field-sftp_sync_frequency', 'weekly');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'resource-sftp-form');

    await page.getByRole('button', { name: 'Enregistrer la ressource' }).click();
    await page.waitForURL(/\/resources\/[0-9a-f-]+\/edit\?saved/);
    expect(await page.locator('[role="status"]').first().textContent()).toContain('La ressource est enregistrée.');
    // The saved resource keeps its source, its schedule, and the format recognised from the deposited file.
    expect(await page.locator('#mode-sftp').isChecked()).toBe(true);
    expect(await page.locator('#field-sftp_path').inputValue()).toBe('releves/stations.csv');
    expect(await page.locator('#field-sftp_sync_frequency').inputValue()).toBe('weekly');
    expect(await page.locator('#field-format').inputValue()).toBe('CSV');
    const resourceId = /resources\/([0-9a-f-]+)\/edit/.exec(page.url())![1]!;

    // The contributor's synchronisations list it with its weekly schedule.
    await page.goto(`${portal}/user/syncs`);
    const row = page.locator('.sync-table tbody tr', { hasText: RESOURCE_TITLE });
    expect(await row.textContent()).toContain('Hebdomadaire');

    // The dataset is published: the rebuilt static page offers the file.
    await expect.poll(async () => (await fetch(`${portal}/dataset/${dataset.slug}`)).text(), { timeout: 120_000, interval: 500 })
      .toContain(RESOURCE_TITLE);
    await page.goto(`${portal}/dataset/${dataset.slug}`);
    const link = page.locator(`a[href*="/resource/${resourceId}/download/"]`);
    expect(await link.count()).toBeGreaterThan(0);
    await screenshot(page, 'dataset-with-sftp-resource');

    const downloaded = await fetch(new URL(await link.first().getAttribute('href') as string, portal));
    expect(downloaded.status).toBe(200);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(Buffer.from(CONTENT))).toBe(true);
    await page.close();
  }, 240_000);
});
