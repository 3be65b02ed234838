// `npm run bench:api`: requests per second of the CKAN API on local workerd (wrangler dev, as `npm start` runs it)
// against static assets of the same byte size served by the same server, side by side in one run.
// Starts its own portal (demo catalogue, fresh state folder) on BENCH_PORT (8814) and BENCH_HOOK_PORT (8815); localhost only.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const PORT = Number(process.env.BENCH_PORT ?? 8814);
const HOOK_PORT = Number(process.env.BENCH_HOOK_PORT ?? 8815);
const BASE = `http://127.0.0.1:${PORT}`;
// Worker and static runs alternate in short rounds, so a change of machine load hits both sides alike.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ROUND_S = Number(process.env.BENCH_ROUND_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const GOAL = 0.3;
const STATIC_DIR = join(ROOT, 'dist', '_bench-api');

const stateDir = mkdtempSync(join(tmpdir(), 'bench-api-'));
// Node itself runs start.ts (tsx as a loader), so the SIGTERM at the end reaches it and it stops wrangler.
const portal = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'scripts/start.ts')], {
  cwd: ROOT,
  env: { ...process.env, PORT: String(PORT), REBUILD_HOOK_PORT: String(HOOK_PORT), PORTAL_STATE_DIR: stateDir },
  stdio: ['ignore', 'pipe', 'inherit'],
});

function portalReady(): Promise<void> {
  return new Promise((ready, fail) => {
    let output = '';
    portal.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('portail prêt')) ready();
    });
    portal.on('exit', (code) => fail(new Error(`the portal stopped during start-up (code ${code})`)));
  });
}

/** Waits until the server answers `url` with exactly `bytes` bytes (wrangler dev picks new files up after a reload). */
async function served(url: string, bytes: number): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok && (await response.arrayBuffer()).byteLength === bytes) return;
    } catch {
      // reloading
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Figures { label: string; requestsPerSecond: number; p50: number; p99: number; bytes: number; errors: number }

interface Side { label: string; url: string; bytes: number; requests: number; seconds: number; p50: number[]; p99: number[]; errors: number }

async function round(side: Side): Promise<void> {
  const result = await autocannon({ url: side.url, connections: CONNECTIONS, duration: ROUND_S });
  side.requests += result.requests.total;
  side.seconds += result.duration;
  side.p50.push(result.latency.p50);
  side.p99.push(result.latency.p99);
  side.errors += result.errors + result.non2xx;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function figures(side: Side): Figures {
  return { label: side.label, bytes: side.bytes, requestsPerSecond: side.requests / side.seconds, p50: median(side.p50), p99: median(side.p99), errors: side.errors };
}

/** Alternates rounds on the Worker URL and the static URL, then reports each side's totals. */
async function compare(label: string, workerUrl: string, staticUrl: string, bytes: number): Promise<[Figures, Figures]> {
  const worker: Side = { label: `Worker ${label}`, url: workerUrl, bytes, requests: 0, seconds: 0, p50: [], p99: [], errors: 0 };
  const asset: Side = { label: `static ${label}.json`, url: staticUrl, bytes, requests: 0, seconds: 0, p50: [], p99: [], errors: 0 };
  for (let i = 0; i < ROUNDS; i++) {
    await round(worker);
    await round(asset);
  }
  return [figures(worker), figures(asset)];
}

async function main(): Promise<void> {
  await portalReady();
  const firstName = ((await (await fetch(`${BASE}/api/3/action/package_list?limit=1`)).json()) as { result: string[] }).result[0]!;
  const endpoints = [
    { name: 'package_search', url: `${BASE}/api/3/action/package_search?rows=20&facet.field=${encodeURIComponent('["organization"]')}` },
    { name: 'package_show', url: `${BASE}/api/3/action/package_show?id=${firstName}` },
  ];
  mkdirSync(STATIC_DIR, { recursive: true });
  const pairs: [Figures, Figures][] = [];
  for (const endpoint of endpoints) {
    const body = Buffer.from(await (await fetch(endpoint.url)).arrayBuffer());
    const staticUrl = `${BASE}/_bench-api/${endpoint.name}.json`;
    writeFileSync(join(STATIC_DIR, `${endpoint.name}.json`), body);
    await served(staticUrl, body.byteLength);
    // Warm both paths before measuring.
    await autocannon({ url: endpoint.url, connections: CONNECTIONS, amount: 200 });
    await autocannon({ url: staticUrl, connections: CONNECTIONS, amount: 200 });
    pairs.push(await compare(endpoint.name, endpoint.url, staticUrl, body.byteLength));
  }

  console.log(`\nAPI benchmark: ${ROUNDS} alternating rounds of ${ROUND_S} s per side, ${CONNECTIONS} connections, demo catalogue (48 public datasets), ${BASE}`);
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (${cpus().length} cores)`);
  console.log('| what | bytes | req/s | p50 ms | p99 ms | errors | Worker / static |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  let worst = Infinity;
  for (const [worker, asset] of pairs) {
    const ratio = worker.requestsPerSecond / asset.requestsPerSecond;
    worst = Math.min(worst, ratio);
    for (const f of [worker, asset]) {
      console.log(`| ${f.label} | ${f.bytes} | ${f.requestsPerSecond.toFixed(0)} | ${f.p50} | ${f.p99} | ${f.errors} | ${f === worker ? ratio.toFixed(2) : ''} |`);
    }
  }
  console.log(`\nlowest ratio ${worst.toFixed(2)} (goal ≥ ${GOAL}): ${worst >= GOAL ? 'met' : 'missed'}`);
}

main()
  .catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  })
  .finally(() => {
    rmSync(STATIC_DIR, { recursive: true, force: true });
    portal.kill('SIGTERM');
    portal.once('exit', () => rmSync(stateDir, { recursive: true, force: true }));
  });
