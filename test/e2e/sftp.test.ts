// The SFTP deposit with real clients: a user adds an SSH key on "Dépôt sFTP" in Chromium, deposits a file with
// OpenSSH's sftp (batch mode), finds it listed on the page, and cannot write outside their home. Password
// sign-in, as FileZilla and WinSCP do it, goes through sshpass.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../worker/src/domain/password-hash';
import { executeLocalSql } from './local-d1';
import { launchBrowser, screenshot } from './browser';

const portal = inject('portalUrl');
const sftpPort = inject('sftpPort');
const USERNAME = 'deposante';
const PASSWORD = 'une phrase de passe pour le dépôt';
const CONTENT = 'insee;nom\n34142;Lodève\n';

const work = mkdtempSync(join(tmpdir(), 'portail-sftp-e2e-'));
const keyFile = join(work, 'id_ed25519');
let browser: Browser;

/** The account is written straight into the portal's local D1 (wrangler d1 execute), as an administrator would create it. */
async function createConfirmedUser(): Promise<void> {
  const hash = await hashPassword(PASSWORD);
  const now = new Date().toISOString();
  const sql = `INSERT INTO users (id, username, email, first_name, last_name, password_hash, email_confirmed_at, is_admin, terms_version, terms_accepted_at, created_at, updated_at)
    VALUES ('${crypto.randomUUID()}', '${USERNAME}', '${USERNAME}@example.org', 'Dépo', 'Sante', '${hash}', '${now}', 0, '2026-01', '${now}', '${now}', '${now}')`;
  await executeLocalSql(sql);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** OpenSSH's sftp in batch mode against the portal's server, with no user configuration or known host file. */
function sftp(batch: string, options: { key?: boolean; password?: string } = {}): Promise<Run> {
  const batchFile = join(work, `batch-${Math.random().toString(36).slice(2)}`);
  writeFileSync(batchFile, batch);
  const sshOptions = ['-F', '/dev/null', '-o', `UserKnownHostsFile=${join(work, 'known_hosts')}`, '-o', 'StrictHostKeyChecking=accept-new',
    '-o', 'ConnectTimeout=30'];
  const auth = options.password
    ? ['-o', 'BatchMode=no', '-o', 'PreferredAuthentications=password', '-o', 'PubkeyAuthentication=no']
    : ['-o', 'PreferredAuthentications=publickey', '-o', 'IdentitiesOnly=yes', '-i', keyFile];
  const args = [...sshOptions, ...auth, '-b', batchFile, '-P', String(sftpPort), `${USERNAME}@127.0.0.1`];
  const [command, commandArgs] = options.password ? ['sshpass', ['-e', 'sftp', ...args]] : ['sftp', args];
  return new Promise((done) => {
    execFile(command, commandArgs, { cwd: work, env: { ...process.env, SSHPASS: options.password ?? '' }, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${portal}/user/login?next=/user/sftp`);
  await page.fill('#field-identifier', USERNAME);
  await page.fill('#field-password', PASSWORD);
  await Promise.all([page.waitForURL(`${portal}/user/sftp`), page.click('button[type=submit]:has-text("Se connecter")')]);
}

const depositedFiles = (page: Page) => page.locator('[data-sftp-files] tbody tr').allTextContents();

beforeAll(async () => {
  browser = await launchBrowser();
  await createConfirmedUser();
  const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'e2e', '-f', keyFile], { encoding: 'utf8' });
  if (keygen.status !== 0) throw new Error(keygen.stderr);
  writeFileSync(join(work, 'communes.csv'), CONTENT);
});

afterAll(async () => {
  await browser?.close();
});

describe('SFTP deposit with OpenSSH', () => {
  it('adds a key on Dépôt sFTP, deposits a file with sftp -b, and sees it listed on the page', async () => {
    const page = await browser.newPage();
    await signIn(page);
    await expect.poll(() => page.locator('[data-sftp-port]').textContent()).toBe(String(sftpPort));
    await page.fill('#field-name', 'poste de test');
    await page.fill('#field-publicKey', readFileSync(`${keyFile}.pub`, 'utf8'));
    await Promise.all([page.waitForURL(/done=key-added/), page.click('button:has-text("Ajouter la clé")')]);
    const fingerprint = spawnSync('ssh-keygen', ['-lf', `${keyFile}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1]!;
    expect(await page.locator('[data-sftp-keys]').textContent()).toContain(fingerprint);

    const run = await sftp('mkdir exports\nput communes.csv exports/communes.csv\nls -l exports\n');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/-rw-r--r--.*deposante.*24 .*communes\.csv/);

    await page.reload();
    expect(await depositedFiles(page)).toEqual([expect.stringMatching(/exports\/communes\.csv\s*24 octets/)]);
    await screenshot(page, 'sftp-depot');
    await page.close();
  });

  it('refuses a put to ../other with a permission error and stores nothing', async () => {
    const run = await sftp('put communes.csv ../other\n');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Permission denied');
    const page = await browser.newPage();
    await signIn(page);
    expect(await depositedFiles(page)).toEqual([expect.stringContaining('exports/communes.csv')]);
    await page.close();
  });

  it('signs in with the portal password as FileZilla does, reads the file back, and refuses a wrong password', async () => {
    const run = await sftp('get exports/communes.csv copie.csv\n', { password: PASSWORD });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(work, 'copie.csv'), 'utf8')).toBe(CONTENT);
    const wrong = await sftp('ls\n', { password: 'pas le bon mot de passe' });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('Permission denied');
  });
});
