// The resource's default view (a chart saved from the explorer): read by anyone who may read the rows, saved
// or removed by those who may edit the dataset (can() dataset:edit), from a signed-in page with its CSRF token.
//   GET  /api/datastore/{resourceId}/view         → { view: SavedView | null }
//   POST /api/datastore/{resourceId}/view         form: _csrf, view (JSON SavedView)
//   POST /api/datastore/{resourceId}/view/delete  form: _csrf
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { can } from '../../domain/permissions';
import { ChartRefused, checkView } from '../../domain/datastore-chart';
import { t } from '../../i18n';
import { readEntry } from '../../store/datastore';
import { deleteView, findResourcePage, readView, saveView } from '../../store/datastore-views';
import { resolveActor } from '../actor';
import { csrfValid } from '../csrf';
import { json, problem } from '../respond';
import { m } from './common';

export async function viewHandler(request: IRequest, env: Env): Promise<Response> {
  const resourceId = request.params.resourceId!;
  const resource = await findResourcePage(env.DB, await datasetOf(env, resourceId), resourceId);
  if (!resource) return problem(404, m('datastore.api.notFound', { id: resourceId }));
  const actor = await resolveActor(request, env);
  if (!can(actor, { action: 'resource:download', resource: resource.facts })) return problem(403, m('datastore.api.forbidden', { id: resourceId }));
  return json({ view: await readView(env.DB, resourceId) });
}

const datasetOf = async (env: Env, resourceId: string) =>
  (await env.DB.prepare('SELECT dataset_id FROM resources WHERE id = ?').bind(resourceId).first<{ dataset_id: string }>())?.dataset_id ?? '';

/** Save (`remove` false) or remove the view, after the same checks. */
async function change(request: IRequest, env: Env, remove: boolean): Promise<Response> {
  const resourceId = request.params.resourceId!;
  const resource = await findResourcePage(env.DB, await datasetOf(env, resourceId), resourceId);
  if (!resource) return problem(404, m('datastore.api.notFound', { id: resourceId }));
  const actor = await resolveActor(request, env);
  if (actor.kind !== 'user') return problem(401, m('datastore.view.signIn'));
  const form = await request.formData().catch(() => new FormData());
  if (!csrfValid(request, form)) return problem(403, t('fr', 'auth.csrf'));
  if (actor.readOnly || !can(actor, { action: 'dataset:edit', dataset: resource.dataset })) return problem(403, m('datastore.view.forbidden'));
  if (remove) {
    await deleteView(env.DB, actor, resourceId);
    return json({ view: null });
  }
  const entry = await readEntry(env.DATASTORE, resourceId);
  if (!entry?.tableName) return problem(409, m('datastore.view.notQueryable'));
  let raw: unknown;
  try {
    raw = JSON.parse(String(form.get('view') ?? ''));
  } catch {
    return problem(400, m('datastore.chart.invalid'));
  }
  try {
    const view = checkView(raw, entry.fields);
    await saveView(env.DB, actor, resourceId, view, new Date());
    return json({ view });
  } catch (error) {
    if (error instanceof ChartRefused) return problem(400, m(error.notice.key, error.notice.params));
    throw error;
  }
}

export const saveViewHandler = (request: IRequest, env: Env) => change(request, env, false);
export const deleteViewHandler = (request: IRequest, env: Env) => change(request, env, true);
