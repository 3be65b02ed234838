// Operator surface: import a catalogue file (publishes through the same path as future forms: write,
// record the change, enqueue the rebuild) and export the public snapshot for the static build.
import type { IRequest } from 'itty-router';
import { can } from '../../domain/permissions';
import { catalogueImport, referencedFiles } from '../../domain/import-schema';
import type { Env } from '../../env';
import { importCatalogue, ImportError, type ImportFile } from '../../store/catalogue-import';
import { catalogueStatus, exportSnapshot } from '../../store/catalogue-snapshot';
import { enqueueRebuild, jobLedger, recoverJobs } from '../../store/queue';
import { resolveActor } from '../actor';
import { json, problem } from '../respond';
import { t } from '../../i18n';

const FORBIDDEN = t('fr', 'api.operatorTokenInvalid');

export async function importHandler(request: IRequest, env: Env): Promise<Response> {
  if (!can(await resolveActor(request, env), { action: 'catalogue:import' })) return problem(403, FORBIDDEN);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return problem(400, t('fr', 'api.importNotMultipart'));
  }
  const text = form.get('catalogue');
  if (typeof text !== 'string') return problem(400, t('fr', 'api.importNoCatalogue'));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return problem(400, t('fr', 'api.importNotJson'), [String((error as Error).message)]);
  }
  const parsed = catalogueImport.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.slice(0, 50).map((i) => `${i.path.join('.')} : ${i.message}`);
    return problem(400, t('fr', 'api.importInvalid'), details);
  }
  const files = new Map<string, ImportFile>();
  for (const path of referencedFiles(parsed.data)) {
    const part = form.get(`file:${path}`);
    if (part instanceof File) files.set(path, { name: path, type: part.type, bytes: await part.arrayBuffer() });
  }
  try {
    const result = await importCatalogue(env.DB, env.FILES, parsed.data, files, form.get('reason')?.toString() || 'import', env);
    await enqueueRebuild(env, result.changeId);
    return json(result, { status: 201 });
  } catch (error) {
    if (error instanceof ImportError) return problem(422, t('fr', 'api.importBadReferences'), error.problems);
    throw error;
  }
}

export async function snapshotHandler(request: IRequest, env: Env): Promise<Response> {
  if (!can(await resolveActor(request, env), { action: 'catalogue:export' })) return problem(403, FORBIDDEN);
  return json(await exportSnapshot(env.DB, env.DATASTORE));
}

export async function statusHandler(request: IRequest, env: Env): Promise<Response> {
  if (!can(await resolveActor(request, env), { action: 'catalogue:export' })) return problem(403, FORBIDDEN);
  return json(await catalogueStatus(env.DB));
}

/** The job ledger (local use: `npm start` writes a rebuilt site only when no job is outstanding). */
export async function jobsHandler(request: IRequest, env: Env): Promise<Response> {
  if (!can(await resolveActor(request, env), { action: 'catalogue:export' })) return problem(403, FORBIDDEN);
  return json(await jobLedger(env.DB));
}

/** Sends again the jobs a wrangler dev reload dropped (local use, after the site's files changed). */
export async function recoverJobsHandler(request: IRequest, env: Env): Promise<Response> {
  if (!can(await resolveActor(request, env), { action: 'catalogue:export' })) return problem(403, FORBIDDEN);
  return json({ resent: await recoverJobs(env) });
}
