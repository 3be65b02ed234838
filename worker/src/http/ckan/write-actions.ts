// CKAN Action API, write side: package_create/update/patch/delete and resource_create/update/patch/delete, with a
// user's API token and can(). Payloads are mapped onto the contributor forms' input (domain/ckan-write.ts) and go
// through the same publishing path as the forms (store/dataset-publishing.ts, store/resource-publishing.ts): same
// validation, audit, catalogue change and rebuild, sync schedule, ingest and mails.
import { notAuthorized, notFound, validationError, MISSING_VALUE, CkanActionError } from '../../domain/ckan-errors';
import { CKAN_FIELD, findNamed, packageWrite, resourceChanged, resourceWrite, type CkanProblems, type ResourceBase, type ResourceWriteInput } from '../../domain/ckan-write';
import { portalDownloadUrl } from '../../domain/ckan-package';
import { conflictErrors, datasetFormInput, newDatasetValues, parisToday, type DatasetField, type FieldProblem } from '../../domain/dataset-form';
import { can, type Actor } from '../../domain/permissions';
import type { AccessLevel } from '../../domain/vocabulary';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { catalogueNames } from '../../store/ckan-catalogue';
import { displayName, removeDataset, saveDataset, validateDataset } from '../../store/dataset-publishing';
import { datasetFacts, findDataset, listDatasetResources } from '../../store/datasets';
import {
  datasetFacts as managedFacts, findManagedDataset, findManagedResource, type ManagedDataset, type ManagedResource,
} from '../../store/resource-catalogue';
import { maxUploadBytes } from '../../store/resource-files';
import { publishResource, removeResource, resolveAccess, sourceUrlProblem } from '../../store/resource-publishing';
import { formatSize, problemText, storeVersion, tooLarge } from '../../store/resource-sources';
import { findUserById } from '../../store/users';
import { editOrganizations, publishingOrganizations } from '../publish/dataset-access';
import { MultipartBodyError, type StreamedFile } from './multipart-body';
import type { DataDict } from '../../domain/ckan-search';

type SignedIn = Extract<Actor, { kind: 'user' }>;

export interface WriteContext {
  env: Env;
  actor: Actor;
  /** Whether the actor comes from an API token: the write API is not for browser sessions (no CSRF there). */
  viaToken: boolean;
  site: string;
  /** The `upload` file of a multipart body (as ckanapi sends it), streamed from the request as it is read. */
  upload: StreamedFile | null;
  /** The package dict or resource dict as the actor now reads it (package_show / resource_show). */
  showPackage: (id: string) => Promise<unknown>;
  showResource: (id: string) => Promise<unknown>;
}

export type WriteAction = (dict: DataDict, ctx: WriteContext) => Promise<unknown>;

/** The largest file an API upload may carry: streamed to R2, it has the limit of every other upload. */
export const apiUploadMax = (env: Env) => maxUploadBytes(env);
export const uploadTooLarge = (env: Env) => validationError({ upload: [t('fr', 'ckanWrite.upload.tooLarge', { max: formatSize(apiUploadMax(env)) })] });

function writer(ctx: WriteContext): SignedIn {
  if (ctx.actor.kind !== 'user' || !ctx.viaToken) throw notAuthorized('an API token is required (Authorization or X-CKAN-API-Key header)');
  if (ctx.actor.readOnly) throw notAuthorized('this API token is read-only');
  return ctx.actor;
}

/** A message key of the forms' rules, or a message the store already wrote in French. */
type Problem = FieldProblem | { text: string };

const translate = (problem: Problem) =>
  typeof problem === 'string' ? t('fr', problem) : 'text' in problem ? problem.text : t('fr', problem.key, problem.params);

/** CKAN's Validation Error: each field with its messages. */
function invalid(problems: Record<string, Problem>): CkanActionError {
  const fields: Record<string, string[]> = {};
  for (const [field, problem] of Object.entries(problems)) (fields[field] ??= []).push(translate(problem));
  return validationError(fields);
}

function requiredId(dict: DataDict, key: string): string {
  const value = dict[key] ?? (key === 'id' ? dict.name_or_id : undefined);
  if (typeof value !== 'string' || !value.trim()) throw validationError({ [key]: [MISSING_VALUE] });
  return value.trim();
}

async function datasetIdOf(env: Env, idOrName: string): Promise<string | null> {
  const row = await env.DB.prepare('SELECT id FROM datasets WHERE id = ?1 OR slug = ?1').bind(idOrName).first<{ id: string }>();
  return row?.id ?? null;
}

/** The dataset to change, or CKAN's errors: absent (or hidden from the actor) is 404, not allowed is 403. */
async function editableDataset(ctx: WriteContext, actor: SignedIn, idOrName: string, action: 'dataset:edit' | 'dataset:delete') {
  const id = await datasetIdOf(ctx.env, idOrName);
  const dataset = id ? await findDataset(ctx.env.DB, id) : null;
  if (!dataset || !can(actor, { action: 'dataset:view', dataset: datasetFacts(dataset) })) throw notFound();
  if (!can(actor, { action, dataset: datasetFacts(dataset) })) throw notAuthorized(`User ${actor.username ?? actor.id} not authorized to edit package ${dataset.slug}`);
  return dataset;
}

/** Form field errors reported under the CKAN keys the client sent. */
function formProblems(errors: Partial<Record<DatasetField, FieldProblem>>, slugAsked: boolean): CkanProblems {
  const problems: CkanProblems = {};
  for (const [field, problem] of Object.entries(errors) as [DatasetField, FieldProblem][]) {
    const key = field === 'title' && slugAsked && problem === 'datasetForm.title.slugTaken' ? 'name' : CKAN_FIELD[field];
    problems[key] ??= problem;
  }
  return problems;
}

// ---- Datasets -------------------------------------------------------------------------------------------------------

async function writePackage(dict: DataDict, ctx: WriteContext, mode: 'create' | 'update' | 'patch'): Promise<unknown> {
  const actor = writer(ctx);
  const { env } = ctx;
  const named = await catalogueNames(env.DB);

  const existing = mode === 'create' ? null : await editableDataset(ctx, actor, requiredId(dict, 'id'), 'dataset:edit');
  let organizations;
  let base;
  if (existing) {
    organizations = await editOrganizations(env, actor, existing);
    base = datasetFormInput(existing);
  } else {
    const owner = dict.owner_org;
    if (owner === undefined || owner === null || owner === '') throw invalid({ owner_org: 'ckanWrite.organization.required' });
    const organization = findNamed(named.organizations, owner);
    if (!organization) throw invalid({ owner_org: { key: 'ckanWrite.organization.unknown', params: { name: String(owner) } } });
    if (!can(actor, { action: 'dataset:create', organizationId: organization.id })) {
      throw notAuthorized(`User ${actor.username ?? actor.id} not authorized to add dataset to organization ${organization.slug}`);
    }
    organizations = await publishingOrganizations(env, actor);
    const publishing = organizations.find((o) => o.id === organization.id)!;
    const user = (await findUserById(env.DB, actor.id))!;
    base = { values: newDatasetValues({ name: displayName(user), email: user.email }, publishing, parisToday()), themes: [], dataTypes: [] };
  }

  const write = packageWrite(dict, base, mode, named, existing ? { slug: existing.slug, id: existing.id } : undefined);
  // A move to another organisation needs the right to create there, as in the form.
  const movedTo = existing && write.input.values.organization !== existing.organizationId ? findNamed(named.organizations, write.input.values.organization) : undefined;
  if (movedTo && !can(actor, { action: 'dataset:create', organizationId: movedTo.id })) {
    throw notAuthorized(`User ${actor.username ?? actor.id} not authorized to add dataset to organization ${movedTo.slug}`);
  }
  const { draft, errors } = await validateDataset(env, actor, write.input, organizations, existing, write.slug);
  const problems = { ...formProblems(errors, write.slug !== undefined), ...write.problems };
  // The resources are checked before anything is saved (their sources are fetched after the dataset is).
  const resourcePlans = write.resources ? write.resources.map((r) => ({ dict: r, ...resourceWrite(r, null, 'create', { hasUpload: false }) })) : [];
  resourcePlans.forEach((plan, i) => {
    const source = plan.input.sourceMode === 'url_download' || plan.input.sourceMode === 'url_reference'
      ? sourceUrlProblem(env, plan.input.sourceMode, plan.input.sourceUrl ?? '') : null;
    const first = Object.values(plan.problems)[0];
    const message = first ? translate(first) : source;
    const known = typeof plan.dict.id === 'string' && !!existing;
    if (message && !known) problems.resources ??= { key: 'ckanWrite.resources.invalid', params: { position: i + 1, message } };
  });
  if (!draft || Object.keys(problems).length > 0) throw invalid(problems);
  if (write.temporal !== undefined) draft.temporal = write.temporal;

  const organizationName = organizations.find((o) => o.id === draft.organizationId)!.legalName;
  const saved = await saveDataset(env, actor, draft, existing, organizationName);
  if (!saved.ok) throw invalid(formProblems(conflictErrors(saved.conflict), write.slug !== undefined));
  if (write.resources) await replaceResources(ctx, actor, saved.id, write.resources);
  return ctx.showPackage(saved.id);
}

/** package_create / package_update with `resources`: the dataset's resources become the list (by id; new ones added). */
async function replaceResources(ctx: WriteContext, actor: SignedIn, datasetId: string, list: DataDict[]): Promise<void> {
  const current = await listDatasetResources(ctx.env.DB, datasetId);
  const kept = new Set<string>();
  // Files belong to resource_create/update/patch: a list of resources is made of URLs and stored resources.
  const listCtx: WriteContext = { ...ctx, upload: null };
  for (const [i, dict] of list.entries()) {
    const dataset = (await findManagedDataset(ctx.env.DB, datasetId))!;
    const known = typeof dict.id === 'string' ? current.find((r) => r.id === dict.id) : undefined;
    const existing = known ? await findManagedResource(ctx.env.DB, datasetId, known.id) : null;
    if (existing) kept.add(existing.id);
    try {
      await writeResource(listCtx, actor, dataset, existing, dict, existing ? 'update' : 'create', { skipUnchanged: true });
    } catch (error) {
      if (!(error instanceof CkanActionError)) throw error;
      const message = Object.entries(error.error).filter(([k]) => k !== '__type').map(([, v]) => (Array.isArray(v) ? v.join(' ') : String(v))).join(' ');
      throw invalid({ resources: { key: 'ckanWrite.resources.failed', params: { position: i + 1, message } } });
    }
  }
  for (const r of current) {
    if (kept.has(r.id)) continue;
    const dataset = (await findManagedDataset(ctx.env.DB, datasetId))!;
    const resource = await findManagedResource(ctx.env.DB, datasetId, r.id);
    if (resource) await removeResource(ctx.env, actor, dataset, resource);
  }
}

async function packageDelete(dict: DataDict, ctx: WriteContext): Promise<null> {
  const actor = writer(ctx);
  const dataset = await editableDataset(ctx, actor, requiredId(dict, 'id'), 'dataset:delete');
  await removeDataset(ctx.env, actor, dataset);
  return null;
}

// ---- Resources ------------------------------------------------------------------------------------------------------

const resourceBase = (r: ManagedResource): ResourceBase => ({
  title: r.title, description: r.description, resourceType: r.resourceType, sourceMode: r.sourceMode, sourceUrl: r.sourceUrl,
  syncFrequency: r.syncFrequency, format: r.format, accessLevel: r.accessLevel, allowedUsernames: r.allowedUsernames,
  allowedOrganizationIds: r.allowedOrganizationIds,
});

/** The dataset of a resource write, or CKAN's errors (404 hidden or absent, 403 not allowed). */
async function editableManaged(ctx: WriteContext, actor: SignedIn, idOrName: string): Promise<ManagedDataset> {
  const id = await datasetIdOf(ctx.env, idOrName);
  const dataset = id ? await findManagedDataset(ctx.env.DB, id) : null;
  if (!dataset || !can(actor, { action: 'dataset:view', dataset: managedFacts(dataset) })) throw notFound();
  if (!can(actor, { action: 'dataset:edit', dataset: managedFacts(dataset) })) {
    throw notAuthorized(`User ${actor.username ?? actor.id} not authorized to edit package ${dataset.slug}`);
  }
  return dataset;
}

async function resourceOf(ctx: WriteContext, actor: SignedIn, resourceId: string): Promise<{ dataset: ManagedDataset; resource: ManagedResource }> {
  const row = await ctx.env.DB.prepare('SELECT dataset_id FROM resources WHERE id = ?').bind(resourceId).first<{ dataset_id: string }>();
  if (!row) throw notFound('Resource was not found.');
  const dataset = await editableManaged(ctx, actor, row.dataset_id);
  const resource = await findManagedResource(ctx.env.DB, dataset.id, resourceId);
  if (!resource) throw notFound('Resource was not found.');
  return { dataset, resource };
}

/** Streams the upload into a new version (R2 multipart, hashed on the way); a broken body leaves nothing stored. */
async function storeUpload(env: Env, resourceId: string, file: StreamedFile) {
  try {
    return await storeVersion(env, resourceId, file.name, file.stream);
  } catch (error) {
    if (error instanceof MultipartBodyError) throw invalid({ upload: error.problem === 'after_file' ? 'ckanWrite.upload.notLast' : 'ckanWrite.upload.broken' });
    throw error;
  }
}

/**
 * Applies a resource dict through the form's path. `skipUnchanged` (package_update's list) leaves a resource that
 * asks for nothing new untouched, so sending package_show back does not bump dates nor mail anyone.
 */
async function writeResource(ctx: WriteContext, actor: SignedIn, dataset: ManagedDataset, existing: ManagedResource | null, dict: DataDict,
  mode: 'create' | 'update' | 'patch', options: { skipUnchanged?: boolean } = {}): Promise<string> {
  const { env } = ctx;
  const file = ctx.upload;
  if (dict.upload !== undefined && dict.upload !== '' && !file) throw invalid({ upload: 'ckanWrite.upload.notFile' });
  // The portal URL resource_show gives for a stored file: sent back unchanged, it keeps the file.
  const portalUrl = existing?.fileKey ? portalDownloadUrl(ctx.site, existing) : undefined;
  const { input, problems } = resourceWrite(dict, existing ? resourceBase(existing) : null, mode, { hasUpload: !!file, portalUrl });
  const allProblems: Record<string, Problem> = { ...problems };
  if ((input.sourceMode === 'url_download' || input.sourceMode === 'url_reference') && !problems.url) {
    const problem = sourceUrlProblem(env, input.sourceMode, input.sourceUrl ?? '');
    if (problem) allProblems.url = { text: problem };
  }
  let access = null;
  if (input.access && !problems.access_level) {
    if (!can(actor, { action: 'resource:set-access', dataset: managedFacts(dataset) })) allProblems.access_level = 'ckanWrite.access.forbidden';
    else {
      const { organizations } = await catalogueNames(env.DB);
      const organizationIds = input.access.organizations.map((o) => findNamed(organizations, o)?.id ?? o);
      const resolved = await resolveAccess(env.DB, input.access.level as AccessLevel, input.access.usernames, organizationIds);
      for (const [field, text] of Object.entries(resolved.problems)) allProblems[field] = { text };
      access = resolved.access;
      input.access = { ...input.access, organizations: organizationIds };
    }
  }
  if (Object.keys(allProblems).length > 0) throw invalid(allProblems);
  if (options.skipUnchanged && existing && !file && !resourceChanged(input, resourceBase(existing))) return existing.id;

  const resourceId = existing?.id ?? crypto.randomUUID();
  let upload = null;
  if (file) {
    const stored = await storeUpload(env, resourceId, file);
    if (!stored.ok) throw stored.problem.key === tooLarge(env).key ? uploadTooLarge(env) : invalid({ upload: { text: problemText(stored.problem) } });
    upload = { version: stored.version, format: stored.format, uploadId: null };
  }
  const keep = input.sourceMode === 'keep';
  const sourceMode = keep ? existing!.sourceMode : input.sourceMode as Exclude<ResourceWriteInput['sourceMode'], 'keep'>;
  const saved = await publishResource(env, actor, dataset, resourceId, existing, {
    input: {
      title: input.title, description: input.description, resourceType: input.resourceType, sourceMode,
      sourceUrl: keep ? existing!.sourceUrl : input.sourceUrl,
      sftpPath: keep ? existing!.sftpPath : null, sftpUserId: keep ? existing!.sftpUserId : null,
      syncFrequency: sourceMode === 'url_download' || sourceMode === 'sftp' ? input.syncFrequency : 'never',
      // The API has no CRS key: a layer keeps the CRS its producer chose in the form (or read from the file).
      crs: existing?.crs ?? null,
    },
    chosenFormat: input.format,
    access,
    upload,
  });
  if (!saved.ok) {
    if (upload) await env.FILES.delete(upload.version.key);
    throw invalid({ [saved.field === 'sftp_path' ? 'url' : saved.field]: { text: saved.message } });
  }
  return saved.id;
}

async function resourceCreate(dict: DataDict, ctx: WriteContext): Promise<unknown> {
  const actor = writer(ctx);
  const dataset = await editableManaged(ctx, actor, requiredId(dict, 'package_id'));
  return ctx.showResource(await writeResource(ctx, actor, dataset, null, dict, 'create'));
}

function resourceChange(mode: 'update' | 'patch'): WriteAction {
  return async (dict, ctx) => {
    const actor = writer(ctx);
    const { dataset, resource } = await resourceOf(ctx, actor, requiredId(dict, 'id'));
    return ctx.showResource(await writeResource(ctx, actor, dataset, resource, dict, mode));
  };
}

async function resourceDelete(dict: DataDict, ctx: WriteContext): Promise<null> {
  const actor = writer(ctx);
  const { dataset, resource } = await resourceOf(ctx, actor, requiredId(dict, 'id'));
  await removeResource(ctx.env, actor, dataset, resource);
  return null;
}

export const WRITE_ACTIONS: Record<string, WriteAction> = {
  package_create: (dict, ctx) => writePackage(dict, ctx, 'create'),
  package_update: (dict, ctx) => writePackage(dict, ctx, 'update'),
  package_patch: (dict, ctx) => writePackage(dict, ctx, 'patch'),
  package_delete: packageDelete,
  resource_create: resourceCreate,
  resource_update: resourceChange('update'),
  resource_patch: resourceChange('patch'),
  resource_delete: resourceDelete,
};
