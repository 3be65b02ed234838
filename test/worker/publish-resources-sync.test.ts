import { env, SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { storeFromUrl } from '../../worker/src/store/resource-sources';
import { createUser, ORIGIN, signedInCookie } from './accounts-fixtures';
import {
  createDataset, createOrganization, cron, download, errorsOf, FILES, mailsTo, postResourceForm, putServedFile, removeServedFile, resourcesOf, syncRuns,
} from './publish-resources-fixtures';

let org: string;
let datasetId: string;
let cookie: string;

beforeEach(async () => {
  const objects = (await env.FILES.list()).objects.map((o) => o.key);
  if (objects.length) await env.FILES.delete(objects);
  org = await createOrganization('commune-de-lodeve', 'Commune de Lodève');
  await createUser({ username: 'referente', email: 'referente@lodeve.fr', memberships: [{ organizationId: org, role: 'referent' }] });
  const contributor = await createUser({ username: 'agent', memberships: [{ organizationId: org, role: 'contributor' }] });
  datasetId = await createDataset({ organizationId: org, creatorUserId: contributor.id, ownerEmail: 'sig@lodeve.fr' });
  cookie = await signedInCookie(contributor.id);
});

const newPath = () => `/user/datasets/${datasetId}/resources/new`;
const urlForm = (url: string, sync = 'daily') => ({ title: 'Comptages', resource_type: 'raw', mode: 'url_download', url, sync_frequency: sync, access_level: 'public' });

const runs = syncRuns;

describe('URL download kept in sync by the cron', () => {
  it('unchanged → recorded unchanged; changed → new version; failing → previous file served, run recorded, producer mailed', async () => {
    const name = `comptages-${crypto.randomUUID()}.csv`;
    await putServedFile(name, 'jour;passages\nlundi;120\n');
    const created = await postResourceForm(newPath(), urlForm(`${FILES}/files/${name}`), cookie);
    expect(created.status).toBe(303);
    const [resource] = await resourcesOf(datasetId);
    const id = resource!.id as string;
    expect(resource).toMatchObject({ source_mode: 'url_download', sync_frequency: 'daily', format: 'CSV', file_name: name });
    expect(await runs(id)).toMatchObject([{ trigger: 'form', result: 'updated' }]);

    // Created "now" (real clock); the cron's fixed clocks are days later, at Paris midnight.
    await cron('2030-03-05T23:00:00Z'); // 6 March 00:00 Paris
    expect((await runs(id)).at(-1)).toMatchObject({ trigger: 'schedule', result: 'unchanged', started_at: '2030-03-05T23:00:00.000Z' });
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM resource_versions WHERE resource_id = ?').bind(id).first<{ n: number }>())!.n).toBe(1);

    await cron('2030-03-05T23:30:00Z'); // same slot: not due again
    expect(await runs(id)).toHaveLength(2);

    await putServedFile(name, 'jour;passages\nlundi;120\nmardi;98\n');
    await cron('2030-03-06T23:00:00Z');
    expect((await runs(id)).at(-1)).toMatchObject({ result: 'updated' });
    expect(await (await download(datasetId, id)).text()).toBe('jour;passages\nlundi;120\nmardi;98\n');
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM resource_versions WHERE resource_id = ?').bind(id).first<{ n: number }>())!.n).toBe(2);

    await removeServedFile(name);
    await cron('2030-03-07T23:00:00Z');
    expect((await runs(id)).at(-1)).toMatchObject({ result: 'failed', error: 'Le serveur a répondu avec le code HTTP 404.' });
    expect(await (await download(datasetId, id)).text()).toBe('jour;passages\nlundi;120\nmardi;98\n');
    const [mail] = await mailsTo('sig@lodeve.fr');
    expect(mail).toMatchObject({ template: 'resource_failed', subject: 'Échec de la synchronisation de « Comptages »' });
    expect(mail!.body_text).toContain('Le serveur a répondu avec le code HTTP 404.');
    expect((await mailsTo('referente@lodeve.fr')).map((m) => m.template)).toContain('resource_failed');

    // A second failure is recorded but not mailed again.
    await cron('2030-03-08T23:00:00Z');
    expect((await runs(id)).filter((r) => r.result === 'failed')).toHaveLength(2);
    expect(await mailsTo('sig@lodeve.fr')).toHaveLength(1);

    const syncs = await SELF.fetch(`${ORIGIN}/user/syncs`, { headers: { cookie } });
    const page = await syncs.text();
    expect(page).toContain('Comptages');
    expect(page).toContain('Échec');
    expect(page).toContain('Le serveur a répondu avec le code HTTP 404.');
  });

  it('a weekly resource is only fetched from Monday midnight (Paris)', async () => {
    const name = `hebdo-${crypto.randomUUID()}.csv`;
    await putServedFile(name, 'a;b\n1;2\n');
    await postResourceForm(newPath(), urlForm(`${FILES}/files/${name}`, 'weekly'), cookie);
    const id = (await resourcesOf(datasetId))[0]!.id as string;
    await env.DB.prepare("UPDATE resources SET last_sync_at = '2030-03-04T10:00:00.000Z' WHERE id = ?").bind(id).run(); // Monday
    await cron('2030-03-10T22:00:00Z'); // Sunday 23:00 Paris
    expect(await runs(id)).toHaveLength(1);
    await cron('2030-03-10T23:00:00Z'); // Monday 00:00 Paris
    expect(await runs(id)).toHaveLength(2);
  });
});

describe('SSRF: what the URL download refuses', () => {
  it.each([
    ['http://127.0.0.1:1/x.csv', '« 127.0.0.1 » est une adresse privée'],
    ['http://169.254.169.254/latest/meta-data/', '« 169.254.169.254 » est une adresse privée'],
    ['http://[fd00:ec2::254]/latest', 'est une adresse privée'],
    ['http://[::ffff:127.0.0.1]/x', 'est une adresse privée'],
    ['http://0x7f.1/x.csv', '« 127.0.0.1 » est une adresse privée'],
    ['http://2130706433/x.csv', '« 127.0.0.1 » est une adresse privée'],
    ['http://10.0.0.8/x.csv', '« 10.0.0.8 » est une adresse privée'],
    ['http://100.64.1.1/x.csv', 'est une adresse privée'],
    ['http://localhost/x.csv', '« localhost » est un nom de réseau local'],
    ['file:///etc/passwd', 'Seules les adresses http:// et https:// sont acceptées.'],
    ['http://example.org:22/x', 'Le port 22 n’est pas accepté'],
  ])('%s is refused before any fetch', async (url, message) => {
    const response = await postResourceForm(newPath(), urlForm(url), cookie);
    expect(response.status).toBe(400);
    expect(await errorsOf(response)).toContain(message);
    expect(await resourcesOf(datasetId)).toEqual([]);
  });

  it('a redirect from the allowed test server to 127.0.0.1 or localhost is refused', async () => {
    for (const target of ['http://127.0.0.1:9/secret', `http://localhost:${FILES.split(':').pop()}/files/x`, 'http://169.254.169.254/']) {
      const response = await postResourceForm(newPath(), urlForm(`${FILES}/redirect?to=${encodeURIComponent(target)}`), cookie);
      expect(response.status).toBe(400);
      expect(await errorsOf(response)).toContain('Le serveur redirige vers une adresse refusée.');
    }
    expect(await resourcesOf(datasetId)).toEqual([]);
  });

  it('too many redirects are refused', async () => {
    let url = `${FILES}/files/absent`;
    for (let i = 0; i < 7; i++) url = `${FILES}/redirect?to=${encodeURIComponent(url)}`;
    const response = await postResourceForm(newPath(), urlForm(url), cookie);
    expect(await errorsOf(response)).toContain('Trop de redirections (plus de 5).');
  });

  it('a redirect to an allowed address is followed', async () => {
    const name = `suivi-${crypto.randomUUID()}.csv`;
    await putServedFile(name, 'a;b\n1;2\n');
    const response = await postResourceForm(newPath(), urlForm(`${FILES}/redirect?to=${encodeURIComponent(`/files/${name}`)}`), cookie);
    expect(response.status).toBe(303);
  });

  it('without the test-only setting the local server itself is refused', async () => {
    const check = await storeFromUrl({ ...env, ALLOW_PRIVATE_FETCH_FOR_TESTS: undefined }, crypto.randomUUID(), `${FILES}/files/x.csv`);
    expect(check).toMatchObject({ ok: false, problem: { key: 'resources.error.url.private_address' } });
  });

  it('a download larger than UPLOAD_MAX_BYTES stops and keeps nothing', async () => {
    const name = `gros-${crypto.randomUUID()}.csv`;
    await putServedFile(name, 'a;b\n'.repeat(5000));
    const id = crypto.randomUUID();
    const result = await storeFromUrl({ ...env, UPLOAD_MAX_BYTES: '1000' }, id, `${FILES}/files/${name}`);
    expect(result).toMatchObject({ ok: false, problem: { key: 'resources.error.tooLarge', params: { max: '1 ko' } } });
    expect((await env.FILES.list({ prefix: `resources/${id}/` })).objects).toEqual([]);
  });
});

describe('access levels on downloads (roles × levels), through the real download route', () => {
  it('each level serves exactly the people it names', async () => {
    const other = await createOrganization('commune-de-sete', 'Commune de Sète');
    const partner = await createOrganization('partenaire', 'Partenaire');
    const referent = (await env.DB.prepare("SELECT id FROM users WHERE username = 'referente'").first<{ id: string }>())!;
    const people = {
      anonymous: undefined as string | undefined,
      registered: await signedInCookie((await createUser({ username: 'inscrit' })).id),
      member: await signedInCookie((await createUser({ username: 'membre', memberships: [{ organizationId: org, role: 'member' }] })).id),
      allowed: await signedInCookie((await createUser({ username: 'autorise' })).id),
      partnerMember: await signedInCookie((await createUser({ username: 'partenaire', memberships: [{ organizationId: partner, role: 'member' }] })).id),
      otherOrg: await signedInCookie((await createUser({ username: 'setois', memberships: [{ organizationId: other, role: 'member' }] })).id),
      referent: await signedInCookie(referent.id),
    };
    const referentCookie = people.referent;
    const expected: Record<string, Record<keyof typeof people, number>> = {
      public: { anonymous: 200, registered: 200, member: 200, allowed: 200, partnerMember: 200, otherOrg: 200, referent: 200 },
      registered: { anonymous: 401, registered: 200, member: 200, allowed: 200, partnerMember: 200, otherOrg: 200, referent: 200 },
      listed_users: { anonymous: 401, registered: 403, member: 403, allowed: 200, partnerMember: 403, otherOrg: 403, referent: 200 },
      listed_organizations: { anonymous: 401, registered: 403, member: 403, allowed: 403, partnerMember: 200, otherOrg: 403, referent: 200 },
      same_organization: { anonymous: 401, registered: 403, member: 200, allowed: 403, partnerMember: 403, otherOrg: 403, referent: 200 },
    };
    for (const [level, outcomes] of Object.entries(expected)) {
      const created = await postResourceForm(newPath(), {
        title: `Niveau ${level}`, resource_type: 'raw', mode: 'upload', access_level: level, allowed_users: 'autorise', allowed_organizations: partner,
      }, referentCookie, { name: 'donnees.csv', bytes: 'a;b\n1;2\n' });
      expect(created.status, level).toBe(303);
      const id = (await resourcesOf(datasetId)).find((r) => r.title === `Niveau ${level}`)!.id as string;
      for (const [who, status] of Object.entries(outcomes)) {
        expect((await download(datasetId, id, people[who as keyof typeof people])).status, `${level} × ${who}`).toBe(status);
      }
    }
  });

  it('an unknown username in the allowed list is a precise error and nothing is created', async () => {
    const response = await postResourceForm(newPath(), { title: 'x', resource_type: 'raw', mode: 'upload', access_level: 'listed_users', allowed_users: 'personne, agent' }, cookie,
      { name: 'a.csv', bytes: 'a;b\n1;2\n' });
    expect(response.status).toBe(400);
    expect(await errorsOf(response)).toContain('Utilisateurs inconnus : personne.');
    expect(await resourcesOf(datasetId)).toEqual([]);
  });

  it('a new resource takes the dataset’s default access level', async () => {
    datasetId = await createDataset({ organizationId: org, creatorUserId: null, defaultAccess: 'registered' });
    const referent = (await env.DB.prepare("SELECT id FROM users WHERE username = 'referente'").first<{ id: string }>())!;
    const form = await SELF.fetch(`${ORIGIN}${newPath()}`, { headers: { cookie: await signedInCookie(referent.id) } });
    expect(await form.text()).toMatch(/<option value="registered" selected>/);
  });
});
