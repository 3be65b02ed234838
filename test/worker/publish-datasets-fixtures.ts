// Organisations, people and datasets for the publishing tests, inserted directly; the dataset form's fields as a
// browser sends them (repeated keys for the checkbox groups).
import { env, SELF } from 'cloudflare:test';
import { createUser, ORIGIN, signedInCookie, type TestUser } from './accounts-fixtures';

export const THEME_WATER = '83ebcaff-1007-4e22-b229-fd4e59691c70';
export const THEME_TRANSPORT = '628d7f07-2a50-4db0-b85d-a7b215d5c948';
export const CSRF = 'abcdefghijklmnopqrstuvwxyz234567';

export async function createOrganization(slug: string, legalName: string, extra: { territoryCode?: string; territoryName?: string; email?: string } = {}): Promise<string> {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  await env.DB.prepare(
    `INSERT INTO organizations (id, slug, legal_name, org_type, email, territory_code, territory_name, default_licence_id, is_active, created_at, updated_at)
     VALUES (?, ?, ?, 'commune', ?, ?, ?, 'lov2', 1, ?, ?)`,
  ).bind(id, slug, legalName, extra.email ?? null, extra.territoryCode ?? null, extra.territoryName ?? null, now, now).run();
  return id;
}

export interface World {
  lodeve: string;
  agde: string;
  contributor: TestUser;
  colleague: TestUser;
  referent: TestUser;
  member: TestUser;
  outsider: TestUser;
}

/** Two municipalities; in Lodève a référent, two contributeurs and a plain member; a contributeur of Agde. */
export async function world(): Promise<World> {
  const lodeve = await createOrganization('commune-de-lodeve', 'Commune de Lodève', { territoryCode: 'commune:34142', territoryName: 'Lodève', email: 'sig@lodeve.fr' });
  const agde = await createOrganization('commune-d-agde', "Commune d'Agde");
  const contributing = (organizationId: string) => [{ organizationId, role: 'member' as const }, { organizationId, role: 'contributor' as const }];
  return {
    lodeve,
    agde,
    contributor: await createUser({ username: 'contributrice', email: 'contributrice@lodeve.fr', memberships: contributing(lodeve) }),
    colleague: await createUser({ username: 'collegue', email: 'collegue@lodeve.fr', memberships: contributing(lodeve) }),
    referent: await createUser({ username: 'referente', email: 'referente@lodeve.fr', memberships: [{ organizationId: lodeve, role: 'member' }, { organizationId: lodeve, role: 'referent' }] }),
    member: await createUser({ username: 'membre', email: 'membre@lodeve.fr', memberships: [{ organizationId: lodeve, role: 'member' }] }),
    outsider: await createUser({ username: 'agathois', email: 'contributeur@agde.fr', memberships: contributing(agde) }),
  };
}

export function datasetFields(organizationId: string, overrides: Record<string, string | string[]> = {}): Array<[string, string]> {
  const fields: Record<string, string | string[]> = {
    title: 'Arrêts de bus de Lodève',
    organization: organizationId,
    description: 'Position des **arrêts** du réseau urbain.',
    date_created: '2026-03-01',
    date_modified: '2026-03-02',
    date_published: '2026-03-03',
    licence: 'lov2',
    keywords: 'transport, bus',
    themes: [THEME_TRANSPORT],
    data_types: ['open', 'geo'],
    update_frequency: 'annual',
    granularity: 'commune',
    geocover: 'bbox',
    bbox_west: '3,27',
    bbox_south: '43.70',
    bbox_east: '3.34',
    bbox_north: '43.75',
    owner_name: 'Service SIG',
    owner_email: 'sig@lodeve.fr',
    broadcaster_name: 'Commune de Lodève',
    broadcaster_email: 'contact@lodeve.fr',
    default_access: 'public',
    state: 'draft',
    ...overrides,
  };
  return Object.entries(fields).flatMap(([name, value]) => (Array.isArray(value) ? value.map((v): [string, string] => [name, v]) : [[name, value]]));
}

/** A form POST as the browser sends it, repeated keys included; `csrf` is the token the form carries. */
export function post(path: string, fields: Array<[string, string]>, cookie: string, headers: Record<string, string> = {}, csrf = CSRF): Promise<Response> {
  return SELF.fetch(`${ORIGIN}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: ORIGIN, cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams([['_csrf', csrf], ...fields]),
  });
}

export async function get(path: string, userId?: string): Promise<Response> {
  return SELF.fetch(`${ORIGIN}${path}`, { redirect: 'manual', headers: userId ? { cookie: await signedInCookie(userId) } : {} });
}

export async function createThroughForm(user: TestUser, organizationId: string, overrides: Record<string, string | string[]> = {}): Promise<string> {
  const response = await post('/user/datasets/new', datasetFields(organizationId, overrides), await signedInCookie(user.id));
  if (response.status !== 303) throw new Error(`creation refused (${response.status}): ${await response.text()}`);
  return /\/user\/datasets\/([^/]+)\/edit/.exec(response.headers.get('location')!)![1]!;
}

export const datasetRow = (id: string) => env.DB.prepare('SELECT * FROM datasets WHERE id = ?').bind(id).first<Record<string, unknown>>();
export const datasetCount = async () => Number((await env.DB.prepare('SELECT COUNT(*) AS n FROM datasets').first<{ n: number }>())!.n);
export const changes = async () => (await env.DB.prepare('SELECT reason, object_type, object_id FROM catalogue_changes ORDER BY id').all()).results;
export const mailsTo = async (address: string) =>
  (await env.DB.prepare('SELECT template, subject, body_text FROM mail_outbox WHERE to_address = ? ORDER BY created_at').bind(address)
    .all<{ template: string; subject: string; body_text: string }>()).results;

/** A resource with stored file versions, as the resource pages will make them. */
export async function addStoredResource(datasetId: string, title: string, versions: string[]): Promise<{ id: string; keys: string[] }> {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  const keys: string[] = [];
  for (const [i, content] of versions.entries()) {
    const versionId = crypto.randomUUID();
    const key = `resources/${id}/${versionId}/arrets.csv`;
    await env.FILES.put(key, content);
    keys.push(key);
    if (i === 0) {
      await env.DB.prepare(
        `INSERT INTO resources (id, dataset_id, title, format, source_mode, file_key, file_name, size_bytes, sha256, created_at, modified_at)
         VALUES (?, ?, ?, 'CSV', 'upload', ?, 'arrets.csv', ?, 'x', ?, ?)`,
      ).bind(id, datasetId, title, key, content.length, now, now).run();
    } else {
      await env.DB.prepare('UPDATE resources SET file_key = ? WHERE id = ?').bind(key, id).run();
    }
    await env.DB.prepare(
      `INSERT INTO resource_versions (id, resource_id, file_key, file_name, size_bytes, sha256, created_at) VALUES (?, ?, ?, 'arrets.csv', ?, 'x', ?)`,
    ).bind(versionId, id, key, content.length, now).run();
  }
  return { id, keys };
}
