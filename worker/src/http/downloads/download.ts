// Resource files: served only after `can()`, counted without delaying the response.
import type { IRequest } from 'itty-router';
import { can } from '../../domain/permissions';
import type { Env } from '../../env';
import { countDownload, findResource } from '../../store/resources';
import { resolveActor } from '../actor';
import { objectBody, problem } from '../respond';
import { t } from '../../i18n';

export async function downloadHandler(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const { datasetId, resourceId } = request.params as { datasetId: string; resourceId: string };
  const resource = await findResource(env.DB, datasetId, resourceId);
  const actor = await resolveActor(request, env);
  if (!resource || !can(actor, { action: 'dataset:view', dataset: resource.facts.dataset })) {
    return problem(404, t('fr', 'api.resourceNotFound'));
  }
  if (!can(actor, { action: 'resource:download', resource: resource.facts })) {
    return actor.kind === 'anonymous'
      ? problem(401, t('fr', 'api.restrictedAnonymous'))
      : problem(403, t('fr', 'api.restrictedForbidden'));
  }
  if (!resource.fileKey) {
    if (resource.sourceUrl) return Response.redirect(resource.sourceUrl, 302);
    return problem(404, t('fr', 'api.noFile'));
  }
  const object = await env.FILES.get(resource.fileKey, { range: request.headers, onlyIf: request.headers });
  if (!object) return problem(404, t('fr', 'api.fileMissing'));
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set('etag', object.httpEtag);
  headers.set('accept-ranges', 'bytes');
  headers.set('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(resource.fileName ?? 'fichier')}`);
  headers.set('cache-control', resource.facts.accessLevel === 'public' ? 'public, max-age=300' : 'private, no-store');
  if (!('body' in object)) return new Response(null, { status: 304, headers });
  ctx.waitUntil(countDownload(env.DB, resource.id));
  return objectBody(request, object, headers);
}

/** Public images of the catalogue (organisation logos, réutilisation pictures); never resource files. */
export async function publicImageHandler(request: IRequest, env: Env): Promise<Response> {
  const key = decodeURIComponent(new URL(request.url).pathname.replace(/^\/api\/files\//, ''));
  if (!/^(organizations|showcases)\//.test(key) || key.includes('..')) return problem(404, t('fr', 'api.fileNotFound'));
  const object = await env.FILES.get(key);
  if (!object) return problem(404, t('fr', 'api.fileNotFound'));
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set('etag', object.httpEtag);
  headers.set('cache-control', 'public, max-age=86400');
  return new Response(object.body, { headers });
}
