// What the publishing pages share: the organisations a user may publish for, and the dataset a path names
// together with the permission check (404 when it does not exist, 403 when can() refuses).
import { can, type Permission } from '../../domain/permissions';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { html } from '../../render/html';
import { datasetFacts, findDataset, findOrganizations, type DatasetRecord, type PublishingOrganization } from '../../store/datasets';
import { forbiddenPage, LANG, pageResponse, type SignedIn } from '../pages';

/** Organisations where the user may create datasets (administrators: every active one). */
export async function publishingOrganizations(env: Env, actor: SignedIn): Promise<PublishingOrganization[]> {
  const ids = actor.isAdmin
    ? (await env.DB.prepare('SELECT id FROM organizations WHERE is_active = 1').all<{ id: string }>()).results.map((o) => o.id)
    : [...new Set(actor.memberships.map((m) => m.organizationId))];
  return (await findOrganizations(env.DB, ids)).filter((o) => can(actor, { action: 'dataset:create', organizationId: o.id }));
}

export function notFoundPage(request: Request, env: Env): Promise<Response> {
  return pageResponse(request, env, {
    title: t(LANG, 'datasetForm.notFound'),
    status: 404,
    body: html`<h1>${t(LANG, 'datasetForm.notFound')}</h1><p><a href="/user/datasets">${t(LANG, 'datasetForm.cancel')}</a></p>`,
  });
}

/** The dataset of the path if the actor may perform `action` on it, or the page that says why not. */
export async function datasetFor(
  request: Request, env: Env, actor: SignedIn, datasetId: string, action: Extract<Permission, { dataset: unknown }>['action'],
): Promise<DatasetRecord | Response> {
  const dataset = await findDataset(env.DB, datasetId);
  if (!dataset) return notFoundPage(request, env);
  if (!can(actor, { action, dataset: datasetFacts(dataset) } as Permission)) return forbiddenPage(request, env);
  return dataset;
}

/** On edit the dataset's own organisation stays a choice, e.g. for an administrator who is in none. */
export async function editOrganizations(env: Env, actor: SignedIn, dataset: DatasetRecord): Promise<PublishingOrganization[]> {
  const organizations = await publishingOrganizations(env, actor);
  if (organizations.some((o) => o.id === dataset.organizationId)) return organizations;
  const current = await env.DB.prepare('SELECT id, legal_name, email, default_licence_id, territory_code, territory_name FROM organizations WHERE id = ?')
    .bind(dataset.organizationId).first<{ id: string; legal_name: string; email: string | null; default_licence_id: string | null; territory_code: string | null; territory_name: string | null }>();
  return current ? [{ id: current.id, legalName: current.legal_name, email: current.email, defaultLicenceId: current.default_licence_id, territoryCode: current.territory_code, territoryName: current.territory_name }, ...organizations] : organizations;
}
