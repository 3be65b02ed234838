// The upload script's endpoints: create an upload, send its parts (8 MiB each, streamed to R2), complete it. The
// completed file is judged at once so the producer sees the recognised format, or why the file is refused, before
// saving the form. Answers are JSON with French messages.
import type { IRequest } from 'itty-router';
import { compatibleFormats } from '../../domain/format-detect';
import { formatInfo } from '../../domain/vocabulary';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { findManagedResource } from '../../store/resource-catalogue';
import { maxUploadBytes, PART_SIZE } from '../../store/resource-files';
import { judgeVersion, problemText, tooLarge } from '../../store/resource-sources';
import { assembleUpload, createUpload, dropUpload, markStored, openUpload, recordPart } from '../../store/resource-uploads';
import { CSRF_FIELD, csrfValid } from '../csrf';
import { LANG } from '../pages';
import { json, problem } from '../respond';
import { manageContext } from './resource-context';

/** Parts carry raw bytes, not a form: the CSRF token comes in a header, checked by the same rule as forms. */
function csrfHeaderValid(request: Request): boolean {
  const form = new FormData();
  form.set(CSRF_FIELD, request.headers.get('x-csrf-token') ?? '');
  return csrfValid(request, form);
}

export async function createUploadHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await manageContext(request, env, { json: true });
  if (context instanceof Response) return context;
  const form = await request.formData();
  if (!csrfValid(request, form)) return problem(403, t(LANG, 'auth.csrf'));
  const fileName = String(form.get('file_name') ?? '');
  const size = Number(form.get('size'));
  if (!fileName || !Number.isInteger(size) || size < 0) return problem(400, t(LANG, 'resources.error.fileRequired'));
  if (size === 0) return problem(400, t(LANG, 'resources.error.empty'));
  if (size > maxUploadBytes(env)) return problem(413, problemText(tooLarge(env)));
  const resourceId = String(form.get('resource_id') ?? '');
  if (resourceId && !(await findManagedResource(env.DB, context.dataset.id, resourceId))) return problem(404, t(LANG, 'resources.error.notFound'));
  const upload = await createUpload(env, context.actor.id, context.dataset.id, resourceId || crypto.randomUUID(), fileName, size, new Date());
  return json({ uploadId: upload.id, partSize: upload.partSize }, { status: 201 });
}

export async function uploadPartHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await manageContext(request, env, { json: true });
  if (context instanceof Response) return context;
  if (!csrfHeaderValid(request)) return problem(403, t(LANG, 'auth.csrf'));
  const upload = await openUpload(env.DB, request.params.uploadId!, context.actor.id, context.dataset.id);
  if (!upload) return problem(404, t(LANG, 'resources.error.uploadExpired'));
  const partNumber = Number(request.params.partNumber);
  const partCount = Math.ceil(upload.declaredSize / PART_SIZE);
  const expected = partNumber === partCount ? upload.declaredSize - PART_SIZE * (partCount - 1) : PART_SIZE;
  const length = Number(request.headers.get('content-length'));
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > partCount || length !== expected || !request.body) {
    return problem(400, t(LANG, 'resources.error.uploadIncomplete'));
  }
  // Streamed to R2: the part never sits whole in the Worker's memory.
  const part = await env.FILES.resumeMultipartUpload(upload.key, upload.r2UploadId)
    .uploadPart(partNumber, request.body.pipeThrough(new FixedLengthStream(length)));
  await recordPart(env.DB, upload.id, part);
  return json({ partNumber, etag: part.etag });
}

export async function completeUploadHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await manageContext(request, env, { json: true });
  if (context instanceof Response) return context;
  const form = await request.formData();
  if (!csrfValid(request, form)) return problem(403, t(LANG, 'auth.csrf'));
  const upload = await openUpload(env.DB, request.params.uploadId!, context.actor.id, context.dataset.id);
  if (!upload) return problem(404, t(LANG, 'resources.error.uploadExpired'));
  if (new Set(upload.parts.map((p) => p.partNumber)).size !== Math.ceil(upload.declaredSize / PART_SIZE)) {
    await dropUpload(env, upload);
    return problem(400, t(LANG, 'resources.error.uploadIncomplete'));
  }
  const stored = await assembleUpload(env, upload);
  if (!stored) return problem(400, t(LANG, 'resources.error.uploadIncomplete'));
  const sourced = await judgeVersion(env, { versionId: upload.versionId, key: upload.key, fileName: upload.fileName, size: stored.size, sha256: stored.sha256 });
  if (!sourced.ok) {
    await env.DB.prepare('DELETE FROM resource_uploads WHERE id = ?').bind(upload.id).run();
    return problem(422, problemText(sourced.problem));
  }
  await markStored(env.DB, upload.id, sourced);
  const label = (code: string) => formatInfo(code)?.label ?? code;
  return json({
    uploadId: upload.id,
    fileName: upload.fileName,
    format: sourced.format,
    message: sourced.format ? t(LANG, 'resources.field.formatDetected', { format: label(sourced.format) }) : t(LANG, 'resources.error.formatRequired'),
    formats: compatibleFormats(sourced.format).map((code) => ({ code, label: label(code) })),
  });
}
