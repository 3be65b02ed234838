// Starts the portal exactly as `npm start` does, on test ports and a fresh local state, and waits until
// it says it is ready (demo catalogue imported and site built).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    portalUrl: string;
    hookUrl: string;
    operatorToken: string;
    sftpPort: number;
    /** wrangler's local state of the test portal, for tests that seed accounts with `wrangler d1 execute`. */
    stateDir: string;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');
// Overridable so that several checkouts can run their end-to-end tests side by side.
const PORT = Number(process.env.E2E_PORT ?? 8790);
const HOOK_PORT = PORT + 1;
const SFTP_PORT = Number(process.env.E2E_SFTP_PORT ?? PORT + 5);

export default async function setup(project: TestProject) {
  const stateDir = mkdtempSync(join(tmpdir(), 'portail-e2e-'));
  const portal = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORT), REBUILD_HOOK_PORT: String(HOOK_PORT), PORTAL_STATE_DIR: stateDir, SFTP_PORT: String(SFTP_PORT) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // The portal's own log (wrangler dev, builds, queue jobs) is kept beside the test results for diagnosis.
  mkdirSync(resolve(ROOT, 'test-results'), { recursive: true });
  const log = createWriteStream(resolve(ROOT, 'test-results/portal.log'));
  portal.stdout!.pipe(log);
  portal.stderr!.pipe(log);
  let output = '';
  const ready = new Promise<void>((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      if (output.includes('portail prêt')) return;
      output += chunk.toString();
      if (output.includes('portail prêt')) resolvePromise();
    };
    portal.stdout!.on('data', onData);
    portal.stderr!.on('data', onData);
    portal.on('exit', (code) => reject(new Error(`npm start exited (${code}) before being ready:\n${output.slice(-4000)}`)));
  });
  await ready;

  const { readFileSync } = await import('node:fs');
  const token = /OPERATOR_TOKEN=(\S+)/.exec(readFileSync(resolve(ROOT, '.dev.vars'), 'utf8'))![1]!;
  project.provide('portalUrl', `http://127.0.0.1:${PORT}`);
  project.provide('hookUrl', `http://127.0.0.1:${HOOK_PORT}`);
  project.provide('operatorToken', token);
  project.provide('sftpPort', SFTP_PORT);
  project.provide('stateDir', stateDir);

  return async () => {
    process.kill(-portal.pid!, 'SIGTERM');
    await new Promise((r) => portal.once('exit', r));
    rmSync(stateDir, { recursive: true, force: true });
  };
}
