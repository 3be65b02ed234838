// Geographic test data (test/fixtures/geo/, made by its make.sh with GDAL) published through the operator import
// in organisation "region-test", and the vector ingest run as the queue delivers it.
import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from 'cloudflare:test';
import worker from '../../worker/src/index';
import type { JobMessage } from '../../worker/src/store/queue';
import { OPERATOR, ORG_REGION } from './fixtures';

export const DS_GEO = '6a6f5a7e-5d0c-4b8e-9c55-0a6f0d7c1e01';
export const DS_GEO_PRIVATE = '6a6f5a7e-5d0c-4b8e-9c55-0a6f0d7c1e02';

export interface GeoResource {
  id: string;
  title: string;
  format: string;
  file: string;
  accessLevel?: string;
  /** Private dataset resources are restricted to the organisation. */
  restricted?: boolean;
}

export const geoBytes = (name: string) => Uint8Array.from(atob(env.GEO_FIXTURES[name]!), (c) => c.charCodeAt(0));

function dataset(id: string, slug: string, resources: unknown[]) {
  return {
    id, slug, title: slug, description: 'Données géographiques de test.', organization: 'region-test', licence: 'lov2',
    updateFrequency: 'annual', granularity: 'commune', geocover: 'bbox', bbox: [1.7, 42.3, 4.9, 45.1], dataTypes: ['geo'],
    themes: ['administration-et-action-publique'], tags: ['test'], dateCreated: '2024-01-10', dateModified: '2025-03-01',
    datePublished: '2024-01-15', resources,
  };
}

/** Publishes the resources (fixture files, or `contents` for a file given inline) through the operator import. */
export async function publishGeo(resources: readonly GeoResource[], contents: Record<string, Uint8Array> = {}): Promise<void> {
  const entry = (r: GeoResource) => ({ id: r.id, title: r.title, format: r.format, sourceMode: 'upload', file: `files/${r.file}`, ...(r.restricted ? { accessLevel: 'same_organization' } : {}) });
  const catalogue = {
    organizations: [{ id: ORG_REGION, slug: 'region-test', legalName: 'Région Test', orgType: 'region' }],
    datasets: [
      dataset(DS_GEO, 'donnees-geo', resources.filter((r) => !r.restricted).map(entry)),
      dataset(DS_GEO_PRIVATE, 'donnees-geo-restreintes', resources.filter((r) => r.restricted).map(entry)),
    ],
    showcases: [],
  };
  const form = new FormData();
  form.set('catalogue', JSON.stringify(catalogue));
  for (const r of resources) form.set(`file:files/${r.file}`, new File([contents[r.file] ?? geoBytes(r.file)], r.file));
  const response = await SELF.fetch('https://portal.test/api/internal/catalogue/import', { method: 'POST', body: form, headers: OPERATOR });
  if (response.status !== 201) throw new Error(`import failed: ${response.status} ${await response.text()}`);
}

/** Runs the queue consumer on vector-ingest messages. */
export async function runVectorIngest(...resourceIds: string[]): Promise<{ acked: string[]; retried: string[] }> {
  const batch = createMessageBatch<JobMessage>('portail-jobs', resourceIds.map((resourceId, i) => ({
    id: `vector-${i}`, timestamp: new Date(), attempts: 1, body: { type: 'vector-ingest', resourceId },
  })));
  const ctx = createExecutionContext();
  await worker.queue!(batch, env);
  const result = await getQueueResult(batch, ctx);
  return { acked: result.explicitAcks, retried: result.retryMessages.map((m: { msgId: string }) => m.msgId) };
}

export const geoId = (n: number) => `7e7f5a7e-5d0c-4b8e-9c55-${String(n).padStart(12, '0')}`;

/** The four layers of the client tests: Shapefile and GeoJSON, Lambert 93 and WGS 84, one restricted. */
export const LAYERS: GeoResource[] = [
  { id: geoId(1), title: 'Aires de covoiturage', format: 'SHP', file: 'points-2154-shp.zip' },
  { id: geoId(2), title: 'Zones du Gard', format: 'SHP', file: 'polygons-4326-shp.zip' },
  { id: geoId(3), title: 'Points GeoJSON', format: 'GeoJSON', file: 'points-4326.geojson' },
  { id: geoId(4), title: 'Zones Lambert 93', format: 'GeoJSON', file: 'polygons-2154.geojson', restricted: true },
];
