// Datastore test data: the bad-input corpus (test/fixtures/tabular/) published through the operator import,
// in a public dataset, plus a restricted resource; and helpers to run the ingest job as the queue does.
import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from 'cloudflare:test';
import worker from '../../worker/src/index';
import type { JobMessage } from '../../worker/src/store/queue';
import manifest from '../fixtures/tabular/manifest.json';
import { OPERATOR, ORG_REGION } from './fixtures';

export interface CorpusEntry {
  file: string;
  format: string;
  expect: Record<string, unknown>;
}

export const CORPUS = manifest.files as CorpusEntry[];
export const DS_DATA = '4d4f5a7e-5d0c-4b8e-9c55-0a6f0d7c1e01';
export const DS_PRIVATE = '4d4f5a7e-5d0c-4b8e-9c55-0a6f0d7c1e02';
/** Resource id of the n-th corpus file. */
export const corpusId = (n: number) => `5e5f5a7e-5d0c-4b8e-9c55-${String(n).padStart(12, '0')}`;
export const RES_PRIVATE = '5e5f5a7e-5d0c-4b8e-9c55-999999999999';
export const RES_COMMUNES = corpusId(0);

export const PRIVATE_CSV = 'canalisation;diametre;materiau\nC1;200;fonte\nC2;150;PVC\n';

const bytes = (name: string) => Uint8Array.from(atob(env.TABULAR_FIXTURES[name]!), (c) => c.charCodeAt(0));

function dataset(id: string, slug: string, resources: unknown[]) {
  return {
    id, slug, title: slug, description: 'Données de test du datastore.', organization: 'region-test', licence: 'lov2',
    updateFrequency: 'annual', granularity: 'commune', geocover: 'bbox', bbox: [1.7, 42.3, 4.9, 45.1], dataTypes: ['open'],
    themes: ['administration-et-action-publique'], tags: ['test'], dateCreated: '2024-01-10', dateModified: '2025-03-01',
    datePublished: '2024-01-15', resources,
  };
}

/** Publishes the corpus (only the files named, or all) and the restricted resource through the operator import. */
export async function publishCorpus(files: readonly string[] = CORPUS.map((c) => c.file), extra: Record<string, Uint8Array | string> = {}): Promise<void> {
  const resources = CORPUS.flatMap((c, n) => (files.includes(c.file)
    ? [{ id: corpusId(n), title: c.file, format: c.format, sourceMode: 'upload', file: `files/${c.file}` }]
    : []));
  const catalogue = {
    organizations: [{ id: ORG_REGION, slug: 'region-test', legalName: 'Région Test', orgType: 'region' }],
    datasets: [
      dataset(DS_DATA, 'donnees-datastore', resources),
      dataset(DS_PRIVATE, 'donnees-privees', [
        { id: RES_PRIVATE, title: 'Canalisations', format: 'CSV', sourceMode: 'upload', file: 'files/prive.csv', accessLevel: 'same_organization' },
      ]),
    ],
    showcases: [],
  };
  const form = new FormData();
  form.set('catalogue', JSON.stringify(catalogue));
  for (const c of CORPUS) if (files.includes(c.file)) form.set(`file:files/${c.file}`, new File([bytes(c.file)], c.file));
  form.set('file:files/prive.csv', new File([PRIVATE_CSV], 'prive.csv'));
  for (const [path, content] of Object.entries(extra)) form.set(`file:${path}`, new File([content], path.split('/').pop()!));
  const response = await SELF.fetch('https://portal.test/api/internal/catalogue/import', { method: 'POST', body: form, headers: OPERATOR });
  if (response.status !== 201) throw new Error(`import failed: ${response.status} ${await response.text()}`);
}

/** Runs the queue consumer on ingest messages, as the queue would deliver them. */
export async function runIngest(...resourceIds: string[]): Promise<{ acked: string[]; retried: string[] }> {
  const batch = createMessageBatch<JobMessage>('portail-jobs', resourceIds.map((resourceId, i) => ({
    id: `ingest-${i}`, timestamp: new Date(), attempts: 1, body: { type: 'ingest', resourceId },
  })));
  const ctx = createExecutionContext();
  await worker.queue!(batch, env);
  const result = await getQueueResult(batch, ctx);
  return { acked: result.explicitAcks, retried: result.retryMessages.map((m: { msgId: string }) => m.msgId) };
}

export async function action(name: string, params: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await SELF.fetch(`https://portal.test/api/3/action/${name}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(params),
  });
  return { status: response.status, body: await response.json() };
}
