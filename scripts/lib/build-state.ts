// What a build leaves beside the site for the next incremental build (scripts/lib/incremental-build.ts): the main
// Pagefind bundle's rows, what each built dataset was, and the datasets the current delta covers. Kept out of the
// published folder; a full build rewrites it with an empty delta.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BuiltDataset, MainIndex } from '../../site/lib/site-delta';

export const BUILD_STATE_VERSION = 2;

export interface BuildState {
  version: number;
  main: MainIndex;
  /** shellHash() of the built catalogue. */
  shell: string;
  datasets: Record<string, BuiltDataset>;
  /** Slugs whose main rows the delta supersedes (changed, added or removed since the last full build). */
  delta: string[];
}

export const buildStatePath = (outDir: string): string => join(dirname(outDir), `.${basename(outDir)}.build-state.json`);

export function readBuildState(outDir: string): BuildState | null {
  const path = buildStatePath(outDir);
  if (!existsSync(path)) return null;
  const state = JSON.parse(readFileSync(path, 'utf8')) as BuildState;
  return state.version === BUILD_STATE_VERSION ? state : null;
}

export function writeBuildState(outDir: string, state: Omit<BuildState, 'version'>): void {
  const path = buildStatePath(outDir);
  writeFileSync(`${path}.tmp`, JSON.stringify({ version: BUILD_STATE_VERSION, ...state }));
  renameSync(`${path}.tmp`, path);
}
