// Who may manage a dataset's resources: the signed-in user, if can(dataset:edit) says so. Every resource page and
// endpoint starts here, so none decides by itself.
import { can } from '../../domain/permissions';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { html } from '../../render/html';
import { datasetFacts, findManagedDataset, findManagedResource, type ManagedDataset, type ManagedResource } from '../../store/resource-catalogue';
import { problem } from '../respond';
import { forbiddenPage, LANG, pageResponse, requireUser, type SignedIn } from '../pages';

export interface ManageContext {
  actor: SignedIn;
  dataset: ManagedDataset;
  resource: ManagedResource | null;
}

export async function notFoundPage(request: Request, env: Env): Promise<Response> {
  const message = t(LANG, 'resources.error.notFound');
  return pageResponse(request, env, { title: message, status: 404, body: html`<h1>${message}</h1>` });
}

/** The context, or the response to send instead (sign-in redirect, 404, 403). `json` answers the upload script. */
export async function manageContext(request: Request & { params: Record<string, string> }, env: Env, options: { json?: boolean; resource?: boolean } = {}): Promise<ManageContext | Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return options.json ? problem(401, t(LANG, 'auth.required')) : actor;
  const { datasetId, resourceId } = request.params;
  const dataset = await findManagedDataset(env.DB, datasetId ?? '');
  const resource = dataset && options.resource ? await findManagedResource(env.DB, dataset.id, resourceId ?? '') : null;
  if (!dataset || (options.resource && !resource)) {
    return options.json ? problem(404, t(LANG, 'resources.error.notFound')) : notFoundPage(request, env);
  }
  if (!can(actor, { action: 'dataset:edit', dataset: datasetFacts(dataset) })) {
    return options.json ? problem(403, t(LANG, 'resources.error.forbidden')) : forbiddenPage(request, env, t(LANG, 'resources.error.forbidden'));
  }
  return { actor, dataset, resource };
}

export const resourcePath = (datasetId: string, resourceId: string, page: 'edit' | 'versions' | 'delete') =>
  `/user/datasets/${datasetId}/resources/${resourceId}/${page}`;
