// Conditional synchronisation of URL resources: the served version's ETag / Last-Modified are sent back, a 304 is
// "unchanged" without any download or R2 write, and validators never go to a URL the served file did not come from.
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { createUser, signedInCookie } from './accounts-fixtures';
import {
  createDataset, createOrganization, cron, download, FILES, postResourceForm, putServedFile, resourcesOf, servedRequests, syncRuns,
} from './publish-resources-fixtures';

let datasetId: string;
let cookie: string;

beforeEach(async () => {
  const objects = (await env.FILES.list()).objects.map((o) => o.key);
  if (objects.length) await env.FILES.delete(objects);
  const org = await createOrganization('commune-de-lodeve', 'Commune de Lodève');
  const contributor = await createUser({ username: 'agent', memberships: [{ organizationId: org, role: 'contributor' }] });
  datasetId = await createDataset({ organizationId: org, creatorUserId: contributor.id, ownerEmail: 'sig@lodeve.fr' });
  cookie = await signedInCookie(contributor.id);
});

const resourcesPath = () => `/user/datasets/${datasetId}/resources`;
const urlForm = (url: string) => ({ title: 'Comptages', resource_type: 'raw', mode: 'url_download', url, sync_frequency: 'daily', access_level: 'public' });
const fileName = (stem: string) => `${stem}-${crypto.randomUUID()}.csv`;

async function createFromUrl(name: string): Promise<string> {
  const created = await postResourceForm(`${resourcesPath()}/new`, urlForm(`${FILES}/files/${name}`), cookie);
  expect(created.status).toBe(303);
  return (await resourcesOf(datasetId))[0]!.id as string;
}

const r2Keys = async (resourceId: string) => (await env.FILES.list({ prefix: `resources/${resourceId}/` })).objects.map((o) => o.key).sort();

const versions = async (resourceId: string) =>
  (await env.DB.prepare('SELECT id, file_key, source_url, etag, last_modified FROM resource_versions WHERE resource_id = ? ORDER BY created_at, rowid')
    .bind(resourceId).all<{ id: string; file_key: string; source_url: string | null; etag: string | null; last_modified: string | null }>()).results;

describe('a synchronised URL is asked "changed since?" with the served version’s validators', () => {
  it('the form’s download stores the ETag and Last-Modified; a 304 is recorded unchanged and touches nothing in R2', async () => {
    const name = fileName('comptages');
    await putServedFile(name, 'jour;passages\nlundi;120\n', 'text/csv', { etag: 'W/"5f2-comptages"', lastModified: 'Mon, 04 Mar 2030 08:00:00 GMT' });
    const id = await createFromUrl(name);
    expect(await versions(id)).toMatchObject([{ source_url: `${FILES}/files/${name}`, etag: 'W/"5f2-comptages"', last_modified: 'Mon, 04 Mar 2030 08:00:00 GMT' }]);
    expect(await servedRequests(name)).toEqual([{ ifNoneMatch: null, ifModifiedSince: null, status: 200 }]);
    const keysBefore = await r2Keys(id);
    expect(keysBefore).toHaveLength(1);
    const before = await env.FILES.head(keysBefore[0]!);

    await cron('2030-03-05T23:00:00Z');
    expect((await servedRequests(name)).at(-1)).toEqual({ ifNoneMatch: 'W/"5f2-comptages"', ifModifiedSince: 'Mon, 04 Mar 2030 08:00:00 GMT', status: 304 });
    expect((await syncRuns(id)).at(-1)).toMatchObject({ trigger: 'schedule', result: 'unchanged', error: null, started_at: '2030-03-05T23:00:00.000Z' });
    expect(await r2Keys(id)).toEqual(keysBefore);
    expect((await env.FILES.head(keysBefore[0]!))!.uploaded).toEqual(before!.uploaded);
    expect(await versions(id)).toHaveLength(1);
    expect((await resourcesOf(datasetId))[0]).toMatchObject({ last_sync_at: '2030-03-05T23:00:00.000Z', file_key: keysBefore[0] });
    expect(await (await download(datasetId, id)).text()).toBe('jour;passages\nlundi;120\n');
  });

  it('a server that ignores the validators answers 200: the same bytes are unchanged as before, the extra object removed', async () => {
    const name = fileName('ignore');
    await putServedFile(name, 'a;b\n1;2\n', 'text/csv', { etag: '"v1"', ignoreConditional: true });
    const id = await createFromUrl(name);
    const keysBefore = await r2Keys(id);

    await cron('2030-03-05T23:00:00Z');
    expect((await servedRequests(name)).at(-1)).toMatchObject({ ifNoneMatch: '"v1"', status: 200 });
    expect((await syncRuns(id)).at(-1)).toMatchObject({ result: 'unchanged' });
    expect(await r2Keys(id)).toEqual(keysBefore);
    expect(await versions(id)).toHaveLength(1);
  });

  it('a changed file with a new ETag becomes a new version holding the new validators, which the next sync sends', async () => {
    const name = fileName('change');
    await putServedFile(name, 'a;b\n1;2\n', 'text/csv', { etag: '"v1"', lastModified: 'Mon, 04 Mar 2030 08:00:00 GMT' });
    const id = await createFromUrl(name);

    await putServedFile(name, 'a;b\n1;2\n3;4\n', 'text/csv', { etag: '"v2"', lastModified: 'Wed, 06 Mar 2030 08:00:00 GMT' });
    await cron('2030-03-06T23:00:00Z');
    expect((await servedRequests(name)).at(-1)).toEqual({ ifNoneMatch: '"v1"', ifModifiedSince: 'Mon, 04 Mar 2030 08:00:00 GMT', status: 200 });
    expect((await syncRuns(id)).at(-1)).toMatchObject({ result: 'updated' });
    expect(await versions(id)).toMatchObject([{ etag: '"v1"' }, { etag: '"v2"', last_modified: 'Wed, 06 Mar 2030 08:00:00 GMT' }]);
    expect(await r2Keys(id)).toHaveLength(2);
    expect(await (await download(datasetId, id)).text()).toBe('a;b\n1;2\n3;4\n');

    await cron('2030-03-07T23:00:00Z');
    expect((await servedRequests(name)).at(-1)).toEqual({ ifNoneMatch: '"v2"', ifModifiedSince: 'Wed, 06 Mar 2030 08:00:00 GMT', status: 304 });
    expect((await syncRuns(id)).at(-1)).toMatchObject({ result: 'unchanged' });
  });

  it('a server with Last-Modified only gets If-Modified-Since: 304 while older, a new version once modified', async () => {
    const name = fileName('date');
    await putServedFile(name, 'a;b\n1;2\n', 'text/csv', { etag: 'none', lastModified: 'Mon, 04 Mar 2030 08:00:00 GMT' });
    const id = await createFromUrl(name);
    expect(await versions(id)).toMatchObject([{ etag: null, last_modified: 'Mon, 04 Mar 2030 08:00:00 GMT' }]);

    await cron('2030-03-05T23:00:00Z');
    expect((await servedRequests(name)).at(-1)).toEqual({ ifNoneMatch: null, ifModifiedSince: 'Mon, 04 Mar 2030 08:00:00 GMT', status: 304 });
    expect((await syncRuns(id)).at(-1)).toMatchObject({ result: 'unchanged' });

    await putServedFile(name, 'a;b\n5;6\n', 'text/csv', { etag: 'none', lastModified: 'Wed, 06 Mar 2030 08:00:00 GMT' });
    await cron('2030-03-06T23:00:00Z');
    expect((await servedRequests(name)).at(-1)).toMatchObject({ ifModifiedSince: 'Mon, 04 Mar 2030 08:00:00 GMT', status: 200 });
    expect((await syncRuns(id)).at(-1)).toMatchObject({ result: 'updated' });
    expect((await versions(id)).at(-1)).toMatchObject({ etag: null, last_modified: 'Wed, 06 Mar 2030 08:00:00 GMT' });
  });

  it('a server without validators is fetched plainly every time, as before', async () => {
    const name = fileName('plain');
    await putServedFile(name, 'a;b\n1;2\n', 'text/csv', { etag: 'none', lastModified: 'none' });
    const id = await createFromUrl(name);
    await cron('2030-03-05T23:00:00Z');
    expect(await servedRequests(name)).toEqual([{ ifNoneMatch: null, ifModifiedSince: null, status: 200 }, { ifNoneMatch: null, ifModifiedSince: null, status: 200 }]);
    expect((await syncRuns(id)).at(-1)).toMatchObject({ result: 'unchanged' });
  });
});

describe('validators only go back to the URL the served file came from', () => {
  it('after the URL changed, a served file from the old URL (restored) sends nothing to the new one, even with the same ETag', async () => {
    const first = fileName('ancienne');
    const second = fileName('nouvelle');
    // A generic ETag both servers happen to send: sent to the new URL it would wrongly earn a 304.
    await putServedFile(first, 'a;b\n1;2\n', 'text/csv', { etag: '"generique"' });
    await putServedFile(second, 'a;b\n7;8\n', 'text/csv', { etag: '"generique"' });
    const id = await createFromUrl(first);
    const [original] = await versions(id);

    const edited = await postResourceForm(`${resourcesPath()}/${id}/edit`, urlForm(`${FILES}/files/${second}`), cookie);
    expect(edited.status).toBe(303);
    expect(await servedRequests(second)).toEqual([{ ifNoneMatch: null, ifModifiedSince: null, status: 200 }]);
    expect((await versions(id)).at(-1)).toMatchObject({ source_url: `${FILES}/files/${second}`, etag: '"generique"' });

    const restored = await postResourceForm(`${resourcesPath()}/${id}/versions`, { version: original!.id }, cookie);
    expect(restored.status).toBe(303);
    expect(await (await download(datasetId, id)).text()).toBe('a;b\n1;2\n');

    await cron('2030-03-05T23:00:00Z');
    expect((await servedRequests(second)).at(-1)).toEqual({ ifNoneMatch: null, ifModifiedSince: null, status: 200 });
    expect((await syncRuns(id)).at(-1)).toMatchObject({ result: 'updated' });
    expect(await (await download(datasetId, id)).text()).toBe('a;b\n7;8\n');
  });

  it('a restored upload in service sends nothing; a URL that then answers the same bytes lends it its validators', async () => {
    const name = fileName('televerse');
    await putServedFile(name, 'a;b\n1;2\n', 'text/csv', { etag: '"meme"' });
    const created = await postResourceForm(`${resourcesPath()}/new`, { title: 'Comptages', resource_type: 'raw', mode: 'upload', access_level: 'public' }, cookie,
      { name: 'comptages.csv', bytes: 'a;b\n1;2\n' });
    expect(created.status).toBe(303);
    const id = (await resourcesOf(datasetId))[0]!.id as string;
    const [uploaded] = await versions(id);
    expect(uploaded).toMatchObject({ source_url: null, etag: null });
    // The producer now publishes the file at a URL (fetched by the form), then serves the uploaded version again.
    expect((await postResourceForm(`${resourcesPath()}/${id}/edit`, urlForm(`${FILES}/files/${name}`), cookie)).status).toBe(303);
    expect((await postResourceForm(`${resourcesPath()}/${id}/versions`, { version: uploaded!.id }, cookie)).status).toBe(303);
    expect((await resourcesOf(datasetId))[0]).toMatchObject({ source_mode: 'url_download', file_key: uploaded!.file_key });

    await cron('2030-03-05T23:00:00Z');
    expect((await servedRequests(name)).at(-1)).toEqual({ ifNoneMatch: null, ifModifiedSince: null, status: 200 });
    expect((await syncRuns(id)).at(-1)).toMatchObject({ result: 'unchanged' });
    expect((await versions(id))[0]).toMatchObject({ id: uploaded!.id, source_url: `${FILES}/files/${name}`, etag: '"meme"' });

    await cron('2030-03-06T23:00:00Z');
    expect((await servedRequests(name)).at(-1)).toMatchObject({ ifNoneMatch: '"meme"', status: 304 });
    expect((await syncRuns(id)).at(-1)).toMatchObject({ result: 'unchanged' });
  });
});
