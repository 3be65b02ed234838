// Settings of the local runtime: ports, paths and the secrets kept in .dev.vars (created on first run).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const PORT = Number(process.env.PORT ?? 8787);
export const HOOK_PORT = Number(process.env.REBUILD_HOOK_PORT ?? 8788);
export const PORTAL_URL = process.env.PORTAL_URL ?? `http://127.0.0.1:${PORT}`;
export const DIST_DIR = resolve(ROOT, 'dist');
export const BUILD_DIR = resolve(ROOT, '.build');
export const CACHE_DIR = resolve(ROOT, '.cache');
/** Local D1/R2/Queues state of wrangler (tests use a fresh folder of their own). */
export const STATE_DIR = resolve(ROOT, process.env.PORTAL_STATE_DIR ?? '.wrangler/state');
export const DEMO_CATALOGUE = resolve(ROOT, 'content/demo/catalogue.json');

// No internet here: keep wrangler from phoning home.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.ASTRO_TELEMETRY_DISABLED = '1';

export interface LocalSecrets {
  OPERATOR_TOKEN: string;
  REBUILD_HOOK_TOKEN: string;
}

function parseVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = line.match(/^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/);
    if (match) vars[match[1]!] = match[2]!.replace(/^"(.*)"$/, '$1');
  }
  return vars;
}

/** Reads .dev.vars (wrangler's local secrets file), adding any missing secret with a fresh random value. */
export function ensureLocalSecrets(): LocalSecrets {
  const path = resolve(ROOT, '.dev.vars');
  const vars = existsSync(path) ? parseVars(readFileSync(path, 'utf8')) : {};
  let changed = false;
  for (const key of ['OPERATOR_TOKEN', 'REBUILD_HOOK_TOKEN'] as const) {
    if (!vars[key]) {
      vars[key] = randomBytes(24).toString('base64url');
      changed = true;
    }
  }
  if (changed) writeFileSync(path, Object.entries(vars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
  return { OPERATOR_TOKEN: vars.OPERATOR_TOKEN!, REBUILD_HOOK_TOKEN: vars.REBUILD_HOOK_TOKEN! };
}
