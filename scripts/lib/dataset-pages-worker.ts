// Worker thread of scripts/build-site.ts: renders and writes every dataset page. Off the main thread, whose event
// loop then only feeds Pagefind: rendering there held the loop ~100 ms per batch, during which Pagefind emptied its
// 64 kB input pipe and waited for the next records.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { CatalogueSnapshot } from '../../worker/src/domain/snapshot';
import { indexCatalogue } from '../../site/lib/catalogue';
import { datasetDocument } from '../../site/lib/dataset-page';
import { siteUrl } from '../../site/lib/site';

export interface DatasetPagesJob {
  snapshotPath: string;
  dir: string;
}

const { snapshotPath, dir } = workerData as DatasetPagesJob;
const started = performance.now();
const snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8')) as CatalogueSnapshot;
const cat = indexCatalogue(snapshot);
const site = siteUrl();
mkdirSync(join(dir, 'dataset'), { recursive: true });
for (const d of snapshot.datasets) writeFileSync(join(dir, 'dataset', `${d.slug}.html`), datasetDocument(d, cat, site));
parentPort!.postMessage(Math.round((performance.now() - started) / 10) / 100);
