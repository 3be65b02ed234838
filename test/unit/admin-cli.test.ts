// The operator commands against a throw-away local D1 (wrangler, as `npm start` uses it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../worker/src/domain/password-hash';
import { hashSecret } from '../../worker/src/domain/secrets';

const ROOT = resolve(import.meta.dirname, '../..');
const stateDir = mkdtempSync(join(tmpdir(), 'portail-admin-'));
const ENV = { ...process.env, PORTAL_STATE_DIR: stateDir, PASSWORD_SCRYPT: 'ln=10,r=8,p=1', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };

afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

function admin(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], { cwd: ROOT, env: ENV, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function query<T>(sql: string): T[] {
  const result = spawnSync(process.execPath, ['node_modules/wrangler/bin/wrangler.js', 'd1', 'execute', 'portail-catalogue', '--local', '--persist-to', stateDir, '--json', '--command', sql],
    { cwd: ROOT, env: ENV, encoding: 'utf8' });
  return (JSON.parse(result.stdout.slice(result.stdout.indexOf('['))) as Array<{ results: T[] }>)[0]!.results;
}

describe('npm run admin', () => {
  it('create-admin makes a confirmed administrator whose password signs in, and refuses a second one with the same name', () => {
    const created = admin('create-admin', '--username', 'admin-region', '--email', 'Admin@Region.example', '--password', 'une phrase de passe solide');
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    const [row] = query<{ is_admin: number; email: string; email_confirmed_at: string | null; terms_version: string; password_hash: string }>(
      "SELECT is_admin, email, email_confirmed_at, terms_version, password_hash FROM users WHERE username = 'admin-region'");
    expect(row).toMatchObject({ is_admin: 1, email: 'admin@region.example', terms_version: '2026-01' });
    expect(row!.email_confirmed_at).not.toBeNull();
    return verifyPassword('une phrase de passe solide', row!.password_hash).then((ok) => {
      expect(ok).toBe(true);
      const again = admin('create-admin', '--username', 'admin-region', '--email', 'autre@region.example', '--password', 'une phrase de passe solide');
      expect(again.status).toBe(1);
      expect(again.stderr).toContain('Un compte existe déjà');
    });
  }, 300_000);

  it('create-admin refuses a malformed username and a short password, in French, creating nothing', () => {
    const refused = admin('create-admin', '--username', 'Admin Region', '--email', 'x@region.example', '--password', 'court');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("Le nom d'utilisateur ne peut contenir que des lettres minuscules");
    expect(refused.stderr).toContain('Le mot de passe doit compter au moins 12 caractères.');
  }, 300_000);

  it('create-token prints a new read-write token as the last line, stored only as its hash', () => {
    const result = admin('create-token', '--username', 'admin-region');
    expect(result.status).toBe(0);
    const token = result.stdout.trim().split('\n').pop()!;
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    const rows = query<{ token_hash: string; scope: string }>('SELECT token_hash, scope FROM api_tokens');
    expect(rows).toEqual([{ token_hash: hashSecret(token), scope: 'read_write' }]);
    const unknown = admin('create-token', '--username', 'personne');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('Aucun compte confirmé ne s\'appelle « personne »');
  }, 300_000);
});
