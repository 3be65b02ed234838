import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/src/index';
import type { CatalogueSnapshot } from '../../worker/src/domain/snapshot';
import type { JobMessage } from '../../worker/src/store/queue';
import {
  CSV_TEXT, DS_DRAFT, FAILING_CHANGE_ID, DS_PUBLIC, DS_RESTRICTED, FIXTURE_FILES, OPERATOR, RES_CSV, RES_LINK, RES_SECRET, fixtureCatalogue, importCatalogue,
} from './fixtures';

async function snapshot(): Promise<CatalogueSnapshot> {
  const response = await SELF.fetch('https://portal.test/api/internal/catalogue/snapshot', { headers: OPERATOR });
  expect(response.status).toBe(200);
  return response.json();
}

describe('catalogue store', () => {
  it('applies migrations with the nine OPenIG licences and the fourteen thématiques', async () => {
    const licences = await env.DB.prepare('SELECT id FROM licences ORDER BY position').all<{ id: string }>();
    expect(licences.results.map((l) => l.id)).toEqual(['lov2', 'odc-odbl', 'odc-by', 'cc-by', 'cc-by-sa', 'cc-zero', 'aplc', 'other-open', 'other-at']);
    const themes = await env.DB.prepare('SELECT COUNT(*) AS n FROM themes').first<{ n: number }>();
    expect(themes?.n).toBe(14);
  });

  it('imports a catalogue and stores each uploaded file in R2 with its hash', async () => {
    const response = await importCatalogue(fixtureCatalogue());
    expect(response.status).toBe(201);
    const result = await response.json<{ datasets: number; resources: number; filesStored: number; changeId: number }>();
    expect(result).toMatchObject({ datasets: 3, resources: 4, filesStored: 3 });
    const row = await env.DB.prepare('SELECT file_key, size_bytes, sha256 FROM resources WHERE id = ?').bind(RES_CSV)
      .first<{ file_key: string; size_bytes: number; sha256: string }>();
    const object = await env.FILES.get(row!.file_key);
    expect(await object!.text()).toBe(CSV_TEXT);
    expect(row!.size_bytes).toBe(new TextEncoder().encode(CSV_TEXT).byteLength);
    expect(row!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('re-importing identical files keeps the same version and records a new change', async () => {
    const first = await (await importCatalogue(fixtureCatalogue())).json<{ changeId: number }>();
    const second = await (await importCatalogue(fixtureCatalogue())).json<{ changeId: number; filesStored: number }>();
    expect(second.filesStored).toBe(0);
    expect(second.changeId).toBeGreaterThan(first.changeId);
    const versions = await env.DB.prepare('SELECT COUNT(*) AS n FROM resource_versions WHERE resource_id = ?').bind(RES_CSV).first<{ n: number }>();
    expect(versions?.n).toBe(1);
  });

  it('removing a resource from a dataset deletes its stored files', async () => {
    await importCatalogue(fixtureCatalogue());
    const { file_key } = (await env.DB.prepare('SELECT file_key FROM resources WHERE id = ?').bind(RES_CSV).first<{ file_key: string }>())!;
    const catalogue = fixtureCatalogue();
    const first = catalogue.datasets[0] as unknown as { resources: { id: string }[] };
    first.resources = first.resources.filter((r) => r.id !== RES_CSV);
    expect((await importCatalogue(catalogue)).status).toBe(201);
    expect(await env.DB.prepare('SELECT id FROM resources WHERE id = ?').bind(RES_CSV).first()).toBeNull();
    expect(await env.FILES.head(file_key)).toBeNull();
    const kept = await env.DB.prepare('SELECT file_key FROM resources WHERE id = ?').bind(RES_SECRET).first<{ file_key: string }>();
    expect(await env.FILES.head(kept!.file_key)).not.toBeNull();
  });

  it('refuses an import naming an unknown organisation and changes nothing', async () => {
    const catalogue = fixtureCatalogue();
    catalogue.datasets[0]!.organization = 'organisation-fantome';
    const response = await importCatalogue(catalogue);
    expect(response.status).toBe(422);
    const body = await response.json<{ error: { message: string; details: string[] } }>();
    expect(body.error.details.join('\n')).toContain('organisation inconnue « organisation-fantome »');
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM datasets').first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it('refuses a malformed catalogue with French messages naming the fields', async () => {
    const catalogue = fixtureCatalogue();
    (catalogue.datasets[0] as Record<string, unknown>).dateCreated = '10/01/2024';
    const response = await importCatalogue(catalogue);
    expect(response.status).toBe(400);
    const body = await response.json<{ error: { details: string[] } }>();
    expect(body.error.details).toContain('datasets.0.dateCreated : date attendue au format AAAA-MM-JJ');
  });

  it('refuses a catalogue that is not JSON', async () => {
    const form = new FormData();
    form.set('catalogue', '{"datasets": [');
    const response = await SELF.fetch('https://portal.test/api/internal/catalogue/import', { method: 'POST', body: form, headers: OPERATOR });
    expect(response.status).toBe(400);
    expect((await response.json<{ error: { message: string } }>()).error.message).toBe('Le catalogue n’est pas un JSON valide.');
  });

  it('refuses an import whose file is missing', async () => {
    const { ['files/secret.csv']: _missing, ...files } = FIXTURE_FILES;
    const response = await importCatalogue(fixtureCatalogue(), files);
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain('fichier manquant files/secret.csv');
  });

  it('refuses import and snapshot without the operator token', async () => {
    expect((await importCatalogue(fixtureCatalogue(), FIXTURE_FILES, {})).status).toBe(403);
    expect((await importCatalogue(fixtureCatalogue(), FIXTURE_FILES, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await SELF.fetch('https://portal.test/api/internal/catalogue/snapshot')).status).toBe(403);
  });
});

describe('snapshot export', () => {
  it('contains every published dataset with all its public metadata and no draft', async () => {
    await importCatalogue(fixtureCatalogue());
    const snap = await snapshot();
    expect(snap.datasets.map((d) => d.id).sort()).toEqual([DS_PUBLIC, DS_RESTRICTED].sort());
    expect(snap.datasets.some((d) => d.id === DS_DRAFT)).toBe(false);
    const ds = snap.datasets.find((d) => d.id === DS_PUBLIC)!;
    expect(ds).toMatchObject({
      slug: 'population-communes', organization: 'region-test', licence: 'lov2', updateFrequency: 'annual', granularity: 'commune',
      bbox: [1.7, 42.3, 4.9, 45.1], themes: ['administration-et-action-publique'], tags: ['communes', 'population'],
      dateCreated: '2024-01-10', dateModified: '2025-03-01', datePublished: '2024-01-15', hasRestrictedResources: false,
    });
    for (const [key, value] of Object.entries(ds)) expect(value, key).not.toBeUndefined();
    expect(ds.resources.map((r) => r.id)).toEqual([RES_CSV, RES_LINK]);
    expect(ds.resources[0]!.url).toBe(`/dataset/${DS_PUBLIC}/resource/${RES_CSV}/download/population.csv`);
    expect(ds.resources[1]!.url).toBe('https://producteur.example/population');
    expect(snap.licences).toHaveLength(9);
    expect(snap.themes.find((t) => t.slug === 'biodiversite-et-eau')?.datasetCount).toBe(1);
    expect(snap.organizations.find((o) => o.slug === 'region-test')?.datasetCount).toBe(2);
    expect(snap.showcases[0]!.datasets).toEqual(['population-communes']);
    expect(snap.lastChangeId).toBeGreaterThan(0);
  });

  it('lists restricted resources with a lock and without any file URL', async () => {
    await importCatalogue(fixtureCatalogue());
    const snap = await snapshot();
    const ds = snap.datasets.find((d) => d.id === DS_RESTRICTED)!;
    expect(ds.hasRestrictedResources).toBe(true);
    expect(ds.resources[0]).toMatchObject({ id: RES_SECRET, restricted: true, url: null, fileName: null });
    const text = JSON.stringify(snap);
    expect(text).not.toContain(`/resource/${RES_SECRET}/download`);
    expect(text).not.toContain('secret.csv');
  });
});

describe('downloads', () => {
  it('serves a public file, counts the download and honours byte ranges', async () => {
    await importCatalogue(fixtureCatalogue());
    const response = await SELF.fetch(`https://portal.test/dataset/${DS_PUBLIC}/resource/${RES_CSV}/download/population.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('population.csv');
    expect(await response.text()).toBe(CSV_TEXT);
    const ranged = await SELF.fetch(`https://portal.test/dataset/population-communes/resource/${RES_CSV}/download/population.csv`, { headers: { range: 'bytes=0-9' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe(CSV_TEXT.slice(0, 10));
    await expect.poll(async () => (await env.DB.prepare('SELECT download_count AS n FROM resources WHERE id = ?').bind(RES_CSV).first<{ n: number }>())?.n).toBe(2);
  });

  it('refuses a restricted file to an anonymous visitor with a French message', async () => {
    await importCatalogue(fixtureCatalogue());
    const response = await SELF.fetch(`https://portal.test/dataset/${DS_RESTRICTED}/resource/${RES_SECRET}/download/secret.csv`);
    expect(response.status).toBe(401);
    expect((await response.json<{ error: { message: string } }>()).error.message).toContain('accès restreint');
  });

  it('hides the files of a draft dataset as if they did not exist', async () => {
    await importCatalogue(fixtureCatalogue());
    const response = await SELF.fetch(`https://portal.test/dataset/${DS_DRAFT}/resource/2d2f5a7e-5d0c-4b8e-9c55-0a6f0d7c1c04/download/draft.csv`);
    expect(response.status).toBe(404);
  });

  it('marks Worker responses so tests can tell them from static assets', async () => {
    const response = await SELF.fetch('https://portal.test/api/health');
    expect(response.headers.get('x-portal-worker')).toBe('1');
  });
});

describe('rebuild on publish', () => {
  const hookCalls = async () => (await fetch(`${env.HOOK_URL}/calls`)).json<{ authorization: string; body: { changeId: number } }[]>();

  it('the queue consumer coalesces a batch into one rebuild hook call carrying the latest change id', async () => {
    const batch = createMessageBatch<JobMessage>('portail-jobs', [
      { id: 'a', timestamp: new Date(), attempts: 1, body: { type: 'rebuild', changeId: 41 } },
      { id: 'b', timestamp: new Date(), attempts: 1, body: { type: 'rebuild', changeId: 42 } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue!(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(['a', 'b']);
    const calls = (await hookCalls()).filter((c) => c.body.changeId === 41 || c.body.changeId === 42);
    expect(calls).toEqual([{ authorization: 'Bearer hook-test-token', body: { changeId: 42 } }]);
  });

  it('retries the batch when the rebuild hook fails', async () => {
    const batch = createMessageBatch<JobMessage>('portail-jobs', [
      { id: 'c', timestamp: new Date(), attempts: 1, body: { type: 'rebuild', changeId: FAILING_CHANGE_ID } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue!(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(['c']);
    expect(result.explicitAcks).toEqual([]);
  });
});
