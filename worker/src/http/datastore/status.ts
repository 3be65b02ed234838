// Ingest progress and report for the people who manage the dataset: GET /api/datastore/{resourceId}/status.
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { can } from '../../domain/permissions';
import { findResourceById, readEntry } from '../../store/datastore';
import { resolveActor } from '../actor';
import { json, problem } from '../respond';
import { m } from './common';

export async function statusHandler(request: IRequest, env: Env): Promise<Response> {
  const resourceId = request.params.resourceId!;
  const resource = await findResourceById(env.DB, resourceId);
  if (!resource) return problem(404, m('datastore.api.notFound', { id: resourceId }));
  const actor = await resolveActor(request, env);
  const creator = await env.DB.prepare('SELECT creator_user_id FROM datasets WHERE id = ?').bind(resource.datasetId).first<{ creator_user_id: string | null }>();
  const dataset = { ...resource.facts.dataset, creatorUserId: creator?.creator_user_id ?? null };
  // Those who edit the dataset follow its ingest; so does the operator tooling that published it.
  if (!can(actor, { action: 'dataset:edit', dataset }) && !can(actor, { action: 'catalogue:import' })) {
    return problem(403, m('datastore.api.statusForbidden'));
  }
  const entry = await readEntry(env.DATASTORE, resourceId);
  if (!entry?.jobState) return problem(404, m('datastore.api.notFound', { id: resourceId }));
  return json({
    resourceId,
    state: entry.jobState,
    stateLabel: m(`datastore.state.${entry.jobState}`),
    rowsLoaded: entry.rowsLoaded,
    rowsTotal: entry.rowsTotal,
    queryable: entry.tableName !== null,
    ingestedAt: entry.ingestedAt,
    startedAt: entry.jobStartedAt,
    finishedAt: entry.jobFinishedAt,
    report: entry.report,
  });
}
