// Shared by the datastore surfaces: request parameters (CKAN style), the access check through can(), and the
// CKAN action envelope.
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { can } from '../../domain/permissions';
import { ParamError, type Params } from '../../domain/datastore-query';
import { findResourceById, readEntry, type DatastoreEntry } from '../../store/datastore';
import { resolveActor } from '../actor';
import { json } from '../respond';
import { t, type MessageKey, type Params as MessageParams } from '../../i18n';

export const m = (key: MessageKey, params?: MessageParams) => t('fr', key, params);

/** A failure with its CKAN error type and HTTP status. */
export class ActionError extends Error {
  constructor(readonly status: 400 | 403 | 404 | 409, readonly error: Record<string, unknown>) {
    super(String(error.message ?? error.__type));
  }
}

export const notFound = (id: string) => new ActionError(404, { __type: 'Not Found Error', message: m('datastore.api.notFound', { id }) });
export const forbidden = (id: string) => new ActionError(403, { __type: 'Authorization Error', message: m('datastore.api.forbidden', { id }) });
export const validation = (field: string, message: string) =>
  new ActionError(409, { __type: 'Validation Error', message, [field]: [message] });

export function fromParamError(error: ParamError): ActionError {
  return validation(error.field, m(error.notice.key, error.notice.params));
}

/** GET query (a repeated key becomes a list, as CKAN reads it) or a POST JSON object. */
export async function readParams(request: IRequest): Promise<Params> {
  if (request.method === 'POST') {
    const type = request.headers.get('content-type') ?? '';
    if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
      const form = await request.formData();
      const params: Params = {};
      for (const key of new Set(form.keys())) {
        const values = form.getAll(key).map(String);
        params[key] = values.length === 1 ? values[0] : values;
      }
      return params;
    }
    const text = await request.text();
    if (text.trim() === '') return {};
    try {
      const body = JSON.parse(text) as unknown;
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Params;
    } catch {
      // reported below
    }
    throw new ActionError(400, { __type: 'Bad Request', message: m('datastore.api.badJson') });
  }
  const url = new URL(request.url);
  const params: Params = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    params[key] = values.length === 1 ? values[0] : values;
  }
  return params;
}

/** The resource's served datastore entry, once can() allows the caller to read its rows. */
export async function readableEntry(request: IRequest, env: Env, resourceId: string): Promise<DatastoreEntry & { tableName: string }> {
  const resource = await findResourceById(env.DB, resourceId);
  if (!resource) throw notFound(resourceId);
  const actor = await resolveActor(request, env);
  if (!can(actor, { action: 'resource:download', resource: resource.facts })) throw forbidden(resourceId);
  const entry = await readEntry(env.DATASTORE, resourceId);
  if (!entry?.tableName) throw notFound(resourceId);
  return entry as DatastoreEntry & { tableName: string };
}

export function success(env: Env, action: string, result: unknown): Response {
  return json({ help: `${env.PORTAL_PUBLIC_URL}/api/3/action/help_show?name=${action}`, success: true, result });
}

export function failure(env: Env, action: string, error: ActionError): Response {
  return json({ help: `${env.PORTAL_PUBLIC_URL}/api/3/action/help_show?name=${action}`, success: false, error: error.error }, { status: error.status });
}

/** D1 reports a dropped table as "no such table": a reader raced a swap and should look the table up again. */
export const isTableGone = (error: unknown) => /no such table/i.test(String((error as Error)?.message));
