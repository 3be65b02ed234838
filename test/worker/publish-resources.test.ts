import { env, SELF } from 'cloudflare:test';
import { strToU8, zipSync } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { createUser, ORIGIN, signedInCookie } from './accounts-fixtures';
import {
  createDataset, createOrganization, demoFile, download, errorsOf, mailsTo, postResourceForm, resourcesOf, uploadInParts,
} from './publish-resources-fixtures';

const CSV = 'code_insee;nom;population\n34172;Montpellier;302454\n30189;Nîmes;148104\n';

let org: string;
let datasetId: string;
let cookie: string;
let contributorId: string;

beforeEach(async () => {
  // R2 keeps its objects across the tests of a file (D1 is emptied by apply-migrations.ts).
  const objects = (await env.FILES.list()).objects.map((o) => o.key);
  if (objects.length) await env.FILES.delete(objects);
  org = await createOrganization('commune-de-lodeve', 'Commune de Lodève');
  await createUser({ username: 'referente', email: 'referente@lodeve.fr', memberships: [{ organizationId: org, role: 'referent' }] });
  const contributor = await createUser({ username: 'agent', email: 'agent@lodeve.fr', memberships: [{ organizationId: org, role: 'member' }, { organizationId: org, role: 'contributor' }] });
  contributorId = contributor.id;
  datasetId = await createDataset({ organizationId: org, creatorUserId: contributor.id });
  cookie = await signedInCookie(contributor.id);
});

const newPath = () => `/user/datasets/${datasetId}/resources/new`;
const storedKeys = async (resourceId: string) => (await env.FILES.list({ prefix: `resources/${resourceId}/` })).objects.map((o) => o.key);
const changes = async () => (await env.DB.prepare('SELECT COUNT(*) AS n FROM catalogue_changes').first<{ n: number }>())!.n;

describe('upload mode', () => {
  it('a contributeur uploads a CSV without JavaScript: resource, version, rebuild change, référent mailed, same bytes served', async () => {
    const response = await postResourceForm(newPath(), { title: 'Population', resource_type: 'raw', mode: 'upload', access_level: 'public' }, cookie,
      { name: 'population.csv', bytes: CSV, type: 'text/csv' });
    expect(response.status).toBe(303);
    const [resource] = await resourcesOf(datasetId);
    expect(resource).toMatchObject({ title: 'Population', format: 'CSV', source_mode: 'upload', resource_type: 'raw', file_name: 'population.csv', encoding: 'UTF-8' });
    expect(response.headers.get('location')).toBe(`/user/datasets/${datasetId}/resources/${resource!.id}/edit?saved`);
    const versions = await env.DB.prepare('SELECT file_key FROM resource_versions WHERE resource_id = ?').bind(resource!.id).all();
    expect(versions.results).toEqual([{ file_key: resource!.file_key }]);
    const dataset = await env.DB.prepare('SELECT date_modified FROM datasets WHERE id = ?').bind(datasetId).first<{ date_modified: string }>();
    expect(dataset!.date_modified).not.toBe('2024-01-01');
    expect(await changes()).toBe(1);
    expect(await mailsTo('referente@lodeve.fr')).toMatchObject([{ template: 'resource_created' }]);
    const served = await download(datasetId, resource!.id as string);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(CSV);
  });

  it('the upload script sends a 9 MiB file in parts; the recognised format is returned before the form is saved', async () => {
    const row = 'commune;code;valeur\n';
    const line = 'Lodève;34142;123456789\n';
    const text = row + line.repeat(Math.ceil((9 * 1024 * 1024) / line.length));
    const bytes = new TextEncoder().encode(text);
    const completed = await uploadInParts(datasetId, cookie, 'mesures.csv', bytes);
    expect(completed.status).toBe(200);
    const body = await completed.json<{ uploadId: string; format: string; message: string; formats: { code: string }[] }>();
    expect(body.format).toBe('CSV');
    expect(body.message).toBe('Format reconnu : CSV.');
    expect(body.formats.map((f) => f.code)).toEqual(['CSV', 'TXT']);
    expect(await resourcesOf(datasetId)).toEqual([]); // nothing published before the form is saved

    const saved = await postResourceForm(newPath(), { title: '', resource_type: 'raw', mode: 'upload', upload_id: body.uploadId, format: 'CSV', access_level: 'public' }, cookie);
    expect(saved.status).toBe(303);
    const [resource] = await resourcesOf(datasetId);
    expect(resource).toMatchObject({ title: 'mesures', size_bytes: bytes.length, format: 'CSV' });
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(resource!.sha256).toBe(digest);
    expect(await (await download(datasetId, resource!.id as string)).text()).toBe(text);
  }, 30_000);

  it.each([
    ['communes-herault.csv', 'CSV'],
    ['population-communes-gard.xlsx', 'XLSX'],
    ['arbres-alignement-montpellier.geojson', 'GeoJSON'],
    ['archives-gard-fonds-numerises.json', 'JSON'],
    ['aires-covoiturage-gard.zip', 'SHP'],
    ['notice-ppri-gard.pdf', 'PDF'],
  ])('the demo file %s is recognised as %s from its content', async (name, format) => {
    const completed = await uploadInParts(datasetId, cookie, name, await demoFile(name));
    expect(completed.status).toBe(200);
    expect((await completed.json<{ format: string }>()).format).toBe(format);
  });

  it('the producer may correct the format within what the content allows, not beyond', async () => {
    const zip = await demoFile('aires-covoiturage-gard.zip');
    const wrong = await postResourceForm(newPath(), { title: 'Aires', resource_type: 'raw', mode: 'upload', format: 'PDF', access_level: 'public' }, cookie,
      { name: 'aires.zip', bytes: zip });
    expect(wrong.status).toBe(400);
    expect(await errorsOf(wrong)).toContain('Le contenu du fichier est « ESRI Shapefile (Fichier ZIP) » : choisissez parmi ESRI Shapefile (Fichier ZIP), Mapinfo MIF/MID (Fichier ZIP)');
    expect(await resourcesOf(datasetId)).toEqual([]);
    const staged = await env.DB.prepare('SELECT id FROM resource_uploads').first<{ id: string }>();
    // The file is not sent again: the form keeps the staged upload.
    const corrected = await postResourceForm(newPath(), { title: 'Aires', resource_type: 'raw', mode: 'upload', format: 'ZIP', upload_id: staged!.id, access_level: 'public' }, cookie);
    expect(corrected.status).toBe(303);
    expect(await resourcesOf(datasetId)).toMatchObject([{ format: 'ZIP' }]);
  });
});

describe('bad files are refused with a French message and change nothing', () => {
  async function expectRefused(response: Response, message: string) {
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await errorsOf(response)).toContain(message);
    expect(await resourcesOf(datasetId)).toEqual([]);
    expect((await env.FILES.list({ prefix: 'resources/' })).objects).toEqual([]);
    expect(await changes()).toBe(0);
  }

  it('a spreadsheet named .csv contradicts its extension', async () => {
    await expectRefused(await postResourceForm(newPath(), { title: 'x', resource_type: 'raw', mode: 'upload', access_level: 'public' }, cookie,
      { name: 'population.csv', bytes: await demoFile('population-communes-gard.xlsx') }),
    'Le contenu du fichier (XLSX) ne correspond pas à son extension « .csv » : le fichier est refusé.');
  });

  it('a zip bomb is refused', async () => {
    const bomb = zipSync({ 'zeros.csv': new Uint8Array(20 * 1024 * 1024) }, { level: 9 });
    await expectRefused(await postResourceForm(newPath(), { title: 'x', resource_type: 'raw', mode: 'upload', access_level: 'public' }, cookie, { name: 'donnees.zip', bytes: bomb }),
      'bombe de décompression');
  });

  it('a zip with path traversal names is refused', async () => {
    const evil = zipSync({ 'ok.shp': strToU8('x'), '../../../etc/cron.d/evil': strToU8('x') });
    await expectRefused(await postResourceForm(newPath(), { title: 'x', resource_type: 'raw', mode: 'upload', access_level: 'public' }, cookie, { name: 'donnees.zip', bytes: evil }),
      'L’archive ZIP contient des chemins dangereux');
  });

  it('a file above UPLOAD_MAX_BYTES is refused before any byte is stored', async () => {
    const created = await SELF.fetch(`${ORIGIN}/user/datasets/${datasetId}/resources/uploads`, {
      method: 'POST', headers: { origin: ORIGIN, cookie }, body: (() => {
        const f = new FormData();
        f.set('_csrf', 'abcdefghijklmnopqrstuvwxyz234567');
        f.set('file_name', 'enorme.csv');
        f.set('size', String(100 * 1000 * 1000 + 1));
        return f;
      })(),
    });
    expect(created.status).toBe(413);
    expect((await created.json<{ error: { message: string } }>()).error.message).toBe('Le fichier dépasse la taille maximale autorisée (100 Mo).');
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM resource_uploads').first<{ n: number }>())!.n).toBe(0);
  });

  it('a plain form post larger than the no-JavaScript limit is refused without reading it', async () => {
    const response = await postResourceForm(newPath(), { title: 'x', resource_type: 'raw', mode: 'upload', access_level: 'public' }, cookie,
      { name: 'gros.csv', bytes: 'a;b\n'.repeat(6_000_000) });
    await expectRefused(response, 'Sans JavaScript, le formulaire accepte des fichiers jusqu’à 20 Mo');
  });

  it('a form without title source keeps the metadata errors precise', async () => {
    const response = await postResourceForm(newPath(), { title: '', resource_type: 'autre', mode: 'upload', access_level: 'public' }, cookie);
    await expectRefused(response, 'Choisissez « Données brutes » ou « Documentation associée ».');
  });
});

describe('referenced URL and SFTP deposit', () => {
  it('a referenced URL stores only the link; the download redirects to the producer', async () => {
    const response = await postResourceForm(newPath(), { title: 'Page du producteur', resource_type: 'documentation', mode: 'url_reference', reference_url: 'https://producteur.example/donnees.pdf', access_level: 'public' }, cookie);
    expect(response.status).toBe(303);
    const [resource] = await resourcesOf(datasetId);
    expect(resource).toMatchObject({ source_mode: 'url_reference', source_url: 'https://producteur.example/donnees.pdf', format: 'PDF', file_key: null, resource_type: 'documentation' });
    const served = await SELF.fetch(`${ORIGIN}/dataset/${datasetId}/resource/${resource!.id}/download/x`, { redirect: 'manual' });
    expect(served.status).toBe(302);
    expect(served.headers.get('location')).toBe('https://producteur.example/donnees.pdf');
  });

  it('a file of the user’s SFTP deposit is copied into a version and synchronised on schedule', async () => {
    await env.FILES.put(`sftp/${contributorId}/exports/communes.csv`, CSV);
    const form = await SELF.fetch(`${ORIGIN}${newPath()}`, { headers: { cookie } });
    expect(await form.text()).toContain('exports/communes.csv');
    const response = await postResourceForm(newPath(), { title: 'Communes', resource_type: 'raw', mode: 'sftp', sftp_path: 'exports/communes.csv', sftp_sync_frequency: 'weekly', access_level: 'public' }, cookie);
    expect(response.status).toBe(303);
    const [resource] = await resourcesOf(datasetId);
    expect(resource).toMatchObject({ source_mode: 'sftp', sftp_path: 'exports/communes.csv', sftp_user_id: contributorId, sync_frequency: 'weekly', format: 'CSV' });
    expect(await (await download(datasetId, resource!.id as string)).text()).toBe(CSV);
    expect(await env.FILES.head(`sftp/${contributorId}/exports/communes.csv`)).not.toBeNull(); // the deposit stays
  });

  it('an SFTP path leaving the home or absent from it is refused', async () => {
    const escaping = await postResourceForm(newPath(), { title: 'x', resource_type: 'raw', mode: 'sftp', sftp_path: '../autre/secret.csv', sftp_sync_frequency: 'never', access_level: 'public' }, cookie);
    expect(escaping.status).toBe(400);
    expect(await errorsOf(escaping)).toContain('Ce chemin sort de votre dépôt sFTP.');
    const absent = await postResourceForm(newPath(), { title: 'x', resource_type: 'raw', mode: 'sftp', sftp_path: 'absent.csv', sftp_sync_frequency: 'never', access_level: 'public' }, cookie);
    expect(await errorsOf(absent)).toContain('Le fichier « absent.csv » n’est pas (ou plus) dans le dépôt sFTP.');
    expect(await resourcesOf(datasetId)).toEqual([]);
  });
});

describe('update in place, versions, restore, delete', () => {
  async function createCsv(text: string): Promise<string> {
    await postResourceForm(newPath(), { title: 'Population', resource_type: 'raw', mode: 'upload', access_level: 'public' }, cookie, { name: 'population.csv', bytes: text });
    return (await resourcesOf(datasetId))[0]!.id as string;
  }

  it('replacing the file keeps the id, URL and download count; the previous version is listed and can be restored', async () => {
    const id = await createCsv(CSV);
    await download(datasetId, id);
    await download(datasetId, id);
    const newer = 'code_insee;nom;population\n34142;Lodève;7654\n';
    const replaced = await postResourceForm(`/user/datasets/${datasetId}/resources/${id}/edit`, { title: 'Population', resource_type: 'raw', mode: 'upload', access_level: 'public' }, cookie,
      { name: 'population.csv', bytes: newer });
    expect(replaced.status).toBe(303);
    expect(await (await download(datasetId, id)).text()).toBe(newer);
    const [resource] = await resourcesOf(datasetId);
    expect(resource).toMatchObject({ id, download_count: 3 });
    expect(await mailsTo('referente@lodeve.fr')).toMatchObject([{ template: 'resource_created' }, { template: 'resource_updated' }]);

    const versionsPage = await SELF.fetch(`${ORIGIN}/user/datasets/${datasetId}/resources/${id}/versions`, { headers: { cookie } });
    const html = await versionsPage.text();
    expect(html).toContain('Version servie');
    const older = await env.DB.prepare('SELECT id FROM resource_versions WHERE resource_id = ? AND file_key != ?').bind(id, resource!.file_key).first<{ id: string }>();
    const restored = await postResourceForm(`/user/datasets/${datasetId}/resources/${id}/versions`, { version: older!.id }, cookie);
    expect(restored.status).toBe(303);
    expect(await (await download(datasetId, id)).text()).toBe(CSV);
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM resource_versions WHERE resource_id = ?').bind(id).first<{ n: number }>())!.n).toBe(2);
  });

  it('deleting a resource removes every stored file of all its versions', async () => {
    const id = await createCsv(CSV);
    await postResourceForm(`/user/datasets/${datasetId}/resources/${id}/edit`, { title: 'Population', resource_type: 'raw', mode: 'upload', access_level: 'public' }, cookie,
      { name: 'population.csv', bytes: CSV + '1;2;3\n' });
    expect(await storedKeys(id)).toHaveLength(2);
    const before = await changes();
    const deleted = await postResourceForm(`/user/datasets/${datasetId}/resources/${id}/delete`, {}, cookie);
    expect(deleted.status).toBe(303);
    expect(await storedKeys(id)).toEqual([]);
    expect(await resourcesOf(datasetId)).toEqual([]);
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM resource_versions').first<{ n: number }>())!.n).toBe(0);
    expect(await changes()).toBe(before + 1);
    expect((await mailsTo('referente@lodeve.fr')).at(-1)).toMatchObject({ template: 'resource_deleted' });
    expect((await download(datasetId, id)).status).toBe(404);
  });

  it('a draft dataset’s resource changes record no catalogue change', async () => {
    datasetId = await createDataset({ organizationId: org, creatorUserId: contributorId, published: false });
    await createCsv(CSV);
    expect(await changes()).toBe(0);
  });
});

describe('who manages resources', () => {
  it('a contributeur of another organisation is refused everywhere and nothing changes', async () => {
    const other = await createOrganization('commune-de-sete', 'Commune de Sète');
    const stranger = await createUser({ username: 'stranger', memberships: [{ organizationId: other, role: 'contributor' }] });
    const strangerCookie = await signedInCookie(stranger.id);
    await postResourceForm(newPath(), { title: 'Population', resource_type: 'raw', mode: 'upload', access_level: 'public' }, cookie, { name: 'population.csv', bytes: CSV });
    const [resource] = await resourcesOf(datasetId);
    const id = resource!.id as string;

    expect((await SELF.fetch(`${ORIGIN}${newPath()}`, { headers: { cookie: strangerCookie } })).status).toBe(403);
    const created = await postResourceForm(newPath(), { title: 'Intrus', resource_type: 'raw', mode: 'upload', access_level: 'public' }, strangerCookie, { name: 'x.csv', bytes: CSV });
    expect(created.status).toBe(403);
    expect(await errorsOf(created)).toContain('Vous ne pouvez pas gérer les ressources de ce jeu de données');
    expect((await postResourceForm(`/user/datasets/${datasetId}/resources/${id}/edit`, { title: 'Intrus', resource_type: 'raw', mode: 'upload', access_level: 'public' }, strangerCookie)).status).toBe(403);
    expect((await postResourceForm(`/user/datasets/${datasetId}/resources/${id}/delete`, {}, strangerCookie)).status).toBe(403);
    expect((await uploadInParts(datasetId, strangerCookie, 'x.csv', strToU8(CSV))).status).toBe(403);
    expect(await resourcesOf(datasetId)).toMatchObject([{ id, title: 'Population' }]);
    expect(await storedKeys(id)).toHaveLength(1);
  });

  it('a contributeur of the organisation who did not create the dataset is refused; its référent is not', async () => {
    const colleague = await createUser({ username: 'collegue', memberships: [{ organizationId: org, role: 'contributor' }] });
    expect((await SELF.fetch(`${ORIGIN}${newPath()}`, { headers: { cookie: await signedInCookie(colleague.id) } })).status).toBe(403);
    const referent = (await env.DB.prepare("SELECT id FROM users WHERE username = 'referente'").first<{ id: string }>())!;
    expect((await SELF.fetch(`${ORIGIN}${newPath()}`, { headers: { cookie: await signedInCookie(referent.id) } })).status).toBe(200);
  });

  it('anonymous visitors are sent to sign in', async () => {
    const response = await SELF.fetch(`${ORIGIN}${newPath()}`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toContain('/user/login?next=');
  });
});
