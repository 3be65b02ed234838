// `npm run deploy`: production on Cloudflare. Applies D1 migrations remotely, deploys the Worker, then
// builds the static catalogue from the deployed Worker's snapshot (the same code path as locally) and
// deploys again so the new assets are served. `--site-only` is what the production rebuild hook runs.
// Needs CLOUDFLARE_API_TOKEN (wrangler), PORTAL_PUBLIC_URL and OPERATOR_TOKEN in the environment.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CACHE_DIR, DIST_DIR, ROOT } from './lib/local-config';

const { values } = parseArgs({ options: { 'site-only': { type: 'boolean', default: false } } });

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} a échoué`);
}

const portalUrl = process.env.PORTAL_PUBLIC_URL;
const token = process.env.OPERATOR_TOKEN;
if (!portalUrl || !token) {
  console.error('PORTAL_PUBLIC_URL et OPERATOR_TOKEN sont requis (voir README, « Déploiement »).');
  process.exit(2);
}

if (!values['site-only']) {
  for (const database of ['DB', 'DATASTORE']) run('npx', ['wrangler', 'd1', 'migrations', 'apply', database, '--remote']);
  mkdirSync(DIST_DIR, { recursive: true });
  run('npx', ['wrangler', 'deploy']);
}

const response = await fetch(`${portalUrl}/api/internal/catalogue/snapshot`, { headers: { authorization: `Bearer ${token}` } });
if (!response.ok) throw new Error(`snapshot : HTTP ${response.status}`);
mkdirSync(CACHE_DIR, { recursive: true });
const snapshotPath = resolve(CACHE_DIR, 'catalogue-remote.json');
writeFileSync(snapshotPath, await response.text());
run(process.execPath, ['--import', 'tsx', 'scripts/build-site.ts', '--snapshot', snapshotPath, '--out', DIST_DIR]);
run('npx', ['wrangler', 'deploy']);
