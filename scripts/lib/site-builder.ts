// Rebuilds the static catalogue on request: snapshot from the running Worker → scripts/build-site.ts, which
// updates only what the change touches (scripts/lib/incremental-build.ts) or, when it cannot, builds into a fresh
// folder and swaps it in place of dist/ (wrangler dev serves the new files at once).
// Requests arriving during a build are coalesced into one more build; an up-to-date site is not rebuilt. A while
// after the last incremental build, a full build folds the delta into the main search index (consolidation).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { recoverLostJobs } from './jobs-idle';
import { BUILD_DIR, CACHE_DIR, DIST_DIR, ROOT, STATE_DIR } from './local-config';

export interface BuildRecord {
  stateDir: string; // which local state the catalogue came from: a build of another state is stale
  changeId: number;
  builtAt: string;
  seconds: number;
  /** Built incrementally on top of the last full build. */
  incremental: boolean;
}

const CURRENT = resolve(BUILD_DIR, 'current.json');

export function currentBuild(): BuildRecord | null {
  if (!existsSync(CURRENT) || !existsSync(DIST_DIR)) return null;
  const record = JSON.parse(readFileSync(CURRENT, 'utf8')) as BuildRecord;
  return record.stateDir === STATE_DIR ? record : null;
}

/** A build that never ends would block every later rebuild: past the limit it is stopped and reported. */
const BUILD_TIMEOUT_MS = Number(process.env.SITE_BUILD_TIMEOUT_SECONDS ?? 900) * 1000;

/** After a build, `wrangler dev` reloads to serve the new files, and a queue message sent while it reloads is lost
 * (local Queues live in the runtime): these checks of the catalogue's last change catch a publish whose hook call
 * never came. */
const CATCH_UP_CHECKS_MS = [3_000, 10_000];

/** Quiet time after the last incremental build before the consolidating full build. */
const CONSOLIDATE_AFTER_MS = Number(process.env.SITE_CONSOLIDATE_SECONDS ?? 600) * 1000;

/** Runs the command, passing its output on; resolves with its standard output. */
function run(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(output);
      else reject(new Error(`${command} ${args.join(' ')} ${signal === 'SIGKILL' ? `stopped after ${BUILD_TIMEOUT_MS / 1000} s` : `exited with ${code}`}`));
    });
  });
}

export class SiteBuilder {
  private running: Promise<void> | null = null;
  private pending = false;
  private pendingFull = false;
  private consolidation: NodeJS.Timeout | null = null;
  private readonly catchUps = new Set<NodeJS.Timeout>();
  lastError: string | null = null;

  constructor(private readonly portalUrl: string, private readonly operatorToken: string,
    private readonly onBuilt: (record: BuildRecord) => void = () => {}) {}

  get building(): boolean {
    return this.running !== null;
  }

  /** Starts a build, or queues one more if a build is running; resolves when the catalogue is current. `full`
   * asks for a full build even if the site is current (it folds the delta into the main search index). */
  request({ full = false }: { full?: boolean } = {}): Promise<void> {
    this.pendingFull ||= full;
    if (this.running) {
      this.pending = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.pending = false;
          const fullBuild = this.pendingFull;
          this.pendingFull = false;
          await this.buildOnce(fullBuild);
        } while (this.pending);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Stops the timers (the server is stopping). */
  close(): void {
    if (this.consolidation) clearTimeout(this.consolidation);
    for (const timer of this.catchUps) clearTimeout(timer);
    this.catchUps.clear();
  }

  private scheduleCatchUps(): void {
    for (const delay of CATCH_UP_CHECKS_MS) {
      const timer = setTimeout(() => {
        this.catchUps.delete(timer);
        void this.catchUp();
      }, delay);
      timer.unref();
      this.catchUps.add(timer);
    }
  }

  private async catchUp(): Promise<void> {
    // The reload the new files caused may have dropped jobs sent meanwhile: the new isolate sends them again.
    await recoverLostJobs(this.portalUrl, this.operatorToken);
    if (this.running) return;
    try {
      const response = await fetch(`${this.portalUrl}/api/internal/catalogue/status`, { headers: { authorization: `Bearer ${this.operatorToken}` } });
      if (!response.ok) return;
      const { lastChangeId } = (await response.json()) as { lastChangeId: number };
      if (lastChangeId > (currentBuild()?.changeId ?? -1)) await this.request();
    } catch {
      // The Worker is reloading or stopping: the next check or hook call will do.
    }
  }

  private scheduleConsolidation(): void {
    if (this.consolidation) clearTimeout(this.consolidation);
    this.consolidation = setTimeout(() => {
      this.consolidation = null;
      this.request({ full: true }).catch(() => {}); // lastError tells
    }, CONSOLIDATE_AFTER_MS);
    this.consolidation.unref();
  }

  private async buildOnce(full: boolean): Promise<void> {
    const started = performance.now();
    try {
      const response = await fetch(`${this.portalUrl}/api/internal/catalogue/snapshot`, {
        headers: { authorization: `Bearer ${this.operatorToken}` },
      });
      if (!response.ok) throw new Error(`snapshot: HTTP ${response.status}`);
      const snapshot = await response.text();
      const { lastChangeId } = JSON.parse(snapshot) as { lastChangeId: number };
      // A hook call for a change already built (e.g. start-up and the queue asking together) costs nothing.
      const current = currentBuild();
      if (!full && (current?.changeId ?? -1) >= lastChangeId) return;
      if (full && current && !current.incremental && current.changeId >= lastChangeId) return;
      mkdirSync(CACHE_DIR, { recursive: true });
      const snapshotPath = resolve(CACHE_DIR, 'catalogue.json');
      await writeFile(snapshotPath, snapshot);

      // An incremental build needs the site of a full build of this same local state.
      const incremental = !full && current !== null;
      const output = await run(process.execPath, ['--import', 'tsx', resolve(ROOT, 'scripts/build-site.ts'), '--snapshot', snapshotPath, '--out', DIST_DIR,
        ...(incremental ? ['--incremental'] : [])], { SITE_WAIT_FOR_JOBS: this.portalUrl, OPERATOR_TOKEN: this.operatorToken });
      const figures = JSON.parse(output.trim().split('\n').pop() ?? '{}') as { incremental?: boolean };
      mkdirSync(BUILD_DIR, { recursive: true });
      const record: BuildRecord = { stateDir: STATE_DIR, changeId: lastChangeId, builtAt: new Date().toISOString(),
        seconds: (performance.now() - started) / 1000, incremental: figures.incremental === true };
      if (record.incremental) this.scheduleConsolidation();
      this.scheduleCatchUps();
      await writeFile(CURRENT, JSON.stringify(record));
      this.lastError = null;
      this.onBuilt(record);
    } catch (error) {
      this.lastError = (error as Error).message;
      throw error;
    }
  }
}
