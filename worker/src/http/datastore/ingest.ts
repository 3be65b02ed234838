// Operator tooling: POST /api/internal/datastore/{resourceId}/ingest runs the ingest again, optionally with a
// chosen Excel sheet (`{"sheet": "Feuil2"}`, `null` for the last sheet). Contributor forms call the same store
// functions (setSheet, enqueueIngest) themselves.
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { can } from '../../domain/permissions';
import { findIngestable, setSheet } from '../../store/datastore';
import { enqueueIngest } from '../../jobs/ingest';
import { resolveActor } from '../actor';
import { json, problem } from '../respond';
import { t } from '../../i18n';
import { m } from './common';

export async function reingestHandler(request: IRequest, env: Env): Promise<Response> {
  if (!can(await resolveActor(request, env), { action: 'catalogue:import' })) return problem(403, t('fr', 'api.operatorTokenInvalid'));
  const resourceId = request.params.resourceId!;
  if (!(await findIngestable(env.DB, resourceId))) return problem(404, m('datastore.api.notFound', { id: resourceId }));
  const text = await request.text();
  let body: { sheet?: unknown } = {};
  try {
    body = text.trim() === '' ? {} : JSON.parse(text) as { sheet?: unknown };
  } catch {
    return problem(400, m('datastore.api.badJson'));
  }
  if (body.sheet !== undefined) {
    if (body.sheet !== null && typeof body.sheet !== 'string') return problem(400, m('datastore.api.badJson'));
    await setSheet(env.DATASTORE, resourceId, body.sheet);
  }
  await enqueueIngest(env, resourceId);
  return json({ resourceId, state: 'queued' }, { status: 202 });
}
