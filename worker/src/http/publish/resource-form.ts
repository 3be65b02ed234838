// The resource form (new and edit): four sources — upload, URL downloaded and kept in sync, referenced URL, SFTP
// deposit — each as "données brutes" or "documentation associée", the format recognised from the content (and
// correctable within what the content allows), and the access level when can(resource:set-access).
import type { IRequest } from 'itty-router';
import { compatibleFormats, extensionOf } from '../../domain/format-detect';
import { can, type Actor } from '../../domain/permissions';
import { ACCESS_LEVELS, FORMATS, formatInfo, SYNC_FREQUENCIES, type AccessLevel, type SourceMode, type SyncFrequency } from '../../domain/vocabulary';
import type { Env } from '../../env';
import { accessLevelLabel, resourceTypeLabel, t } from '../../i18n';
import { sendMails } from '../../mail/mailer';
import { resourceChangedMails } from '../../mail/templates/resources';
import { csrfField, errorSummary, selectField, textField, type FieldErrors } from '../../render/forms';
import { SUPPORTED_CRS } from '../../domain/geo-crs';
import { html, type Html } from '../../render/html';
import { resourceDownloadPath } from '../../store/files';
import { datasetFacts, saveResource, type ManagedDataset, type ManagedResource, type NewVersion, type ResourceInput } from '../../store/resource-catalogue';
import { organizationReferentEmails } from '../../store/datasets';
import { maxUploadBytes } from '../../store/resource-files';
import { checkUrl, formatSize, problemText, storeFromDeposit, storeFromUrl, storeVersion, tooLarge, type Sourced } from '../../store/resource-sources';
import { attachableUpload, stageStoredFile, type StagedUpload } from '../../store/resource-uploads';
import { listDepositedFiles } from '../../store/sftp-files';
import { csrfToken, csrfValid } from '../csrf';
import { LANG, pageResponse, redirect, type SignedIn } from '../pages';
import { manageContext, resourcePath, type ManageContext } from './resource-context';

const MODES: readonly SourceMode[] = ['upload', 'url_download', 'url_reference', 'sftp'];
const TYPES = ['raw', 'documentation'] as const;
/** Without JavaScript the whole multipart body is parsed in memory by formData(): keep that path for small files. */
export const FORM_UPLOAD_MAX_BYTES = 20 * 1000 * 1000;

const syncLabel = (code: SyncFrequency) => t(LANG, `resources.sync.${code}`);
const formatLabel = (code: string) => formatInfo(code)?.label ?? code;

interface FormState {
  values: Record<string, string>;
  allowedOrganizations: string[];
  errors: FieldErrors;
  general?: string;
  staged?: StagedUpload | null;
  status?: number;
}

function initialState(dataset: ManagedDataset, resource: ManagedResource | null): FormState {
  if (!resource) {
    return { values: { resource_type: 'raw', mode: 'upload', sync_frequency: 'never', sftp_sync_frequency: 'never', access_level: dataset.defaultAccess }, allowedOrganizations: [], errors: {} };
  }
  const synced = resource.sourceMode === 'url_download' || resource.sourceMode === 'sftp';
  return {
    values: {
      title: resource.title, description: resource.description, resource_type: resource.resourceType, mode: resource.sourceMode,
      url: resource.sourceMode === 'url_download' ? resource.sourceUrl ?? '' : '',
      reference_url: resource.sourceMode === 'url_reference' ? resource.sourceUrl ?? '' : '',
      sftp_path: resource.sftpPath ?? '', format: resource.format, crs: resource.crs ?? '',
      sync_frequency: synced && resource.sourceMode === 'url_download' ? resource.syncFrequency : 'never',
      sftp_sync_frequency: synced && resource.sourceMode === 'sftp' ? resource.syncFrequency : 'never',
      access_level: resource.accessLevel, allowed_users: resource.allowedUsernames.join(', '),
    },
    allowedOrganizations: resource.allowedOrganizationIds,
    errors: {},
  };
}

function modeFieldset(values: Record<string, string>, errors: FieldErrors): Html {
  return html`<fieldset class="field resource-modes" id="field-mode">
<legend>${t(LANG, 'resources.field.mode')}</legend>
${errors.mode ? html`<p class="field-error">${errors.mode}</p>` : ''}
${MODES.map((mode) => html`<div class="field-radio"><input type="radio" id="mode-${mode}" name="mode" value="${mode}"${values.mode === mode ? html` checked` : ''} data-mode-choice>
<label for="mode-${mode}">${t(LANG, `resources.mode.${mode}`)}</label></div>`)}
</fieldset>`;
}

async function renderForm(request: Request, env: Env, context: ManageContext, state: FormState): Promise<Response> {
  const { dataset, resource, actor } = context;
  const token = await csrfToken(request, env);
  const { values, errors } = state;
  const deposits = await listDepositedFiles(env.FILES, actor.id);
  const organizations = await env.DB.prepare('SELECT id, legal_name FROM organizations WHERE is_active = 1 ORDER BY legal_name').all<{ id: string; legal_name: string }>();
  const maySetAccess = can(actor, { action: 'resource:set-access', dataset: datasetFacts(dataset) });
  const staged = state.staged ?? null;
  // The choices of format follow the content: the staged file's, else the current file's family.
  const detected = staged ? staged.format : resource?.fileKey ? resource.format : null;
  const formatChoices = (staged || resource?.fileKey ? compatibleFormats(detected) : FORMATS.map((f) => f.code)).map((code) => ({ value: code, label: formatLabel(code) }));
  const saved = new URL(request.url).searchParams.has('saved');
  const title = resource ? t(LANG, 'resources.edit.title', { title: resource.title }) : t(LANG, 'resources.new.title');
  const action = resource ? resourcePath(dataset.id, resource.id, 'edit') : `/user/datasets/${dataset.id}/resources/new`;
  const max = maxUploadBytes(env);

  const current = resource ? html`<section class="resource-current" aria-labelledby="current-title">
<h2 id="current-title" class="sr-only">${t(LANG, 'resources.edit.versions')}</h2>
${resource.fileKey && resource.fileName ? html`<p>${t(LANG, 'resources.edit.current', { file: resource.fileName, size: formatSize(resource.sizeBytes ?? 0), format: formatLabel(resource.format), downloads: resource.downloadCount })}
 <a href="${resourceDownloadPath(dataset.id, resource.id, resource.fileName)}">${t(LANG, 'resources.edit.download')}</a></p>`
    : resource.sourceUrl ? html`<p>${t(LANG, 'resources.edit.currentLink', { url: resource.sourceUrl })}</p>` : ''}
<p><a href="${resourcePath(dataset.id, resource.id, 'versions')}">${t(LANG, 'resources.edit.versions')}</a> · <a href="${resourcePath(dataset.id, resource.id, 'delete')}">${t(LANG, 'resources.edit.delete')}</a></p>
<p class="muted">${t(LANG, 'resources.edit.replaceHint')}</p>
</section>` : '';

  const accessPart = maySetAccess ? html`<fieldset class="field resource-access">
<legend>${t(LANG, 'resources.field.access')}</legend>
${selectField({ lang: LANG, name: 'access_level', label: t(LANG, 'resources.field.accessWho'), hint: t(LANG, 'resources.field.accessHint'), value: values.access_level, error: errors.access_level, required: true,
    choices: ACCESS_LEVELS.map((level) => ({ value: level, label: accessLevelLabel(LANG, level) })) })}
${textField({ lang: LANG, name: 'allowed_users', label: t(LANG, 'resources.field.allowedUsers'), hint: t(LANG, 'resources.field.allowedUsersHint'), value: values.allowed_users, error: errors.allowed_users })}
<div class="field${errors.allowed_organizations ? ' field-invalid' : ''}" id="field-allowed_organizations"><p class="field-label">${t(LANG, 'resources.field.allowedOrganizations')} <span class="muted">${t(LANG, 'form.optional')}</span></p>
${errors.allowed_organizations ? html`<p class="field-error">${errors.allowed_organizations}</p>` : ''}
${organizations.results.map((o) => html`<div class="field-checkbox"><input type="checkbox" id="org-${o.id}" name="allowed_organizations" value="${o.id}"${state.allowedOrganizations.includes(o.id) ? html` checked` : ''}>
<label for="org-${o.id}">${o.legal_name}</label></div>`)}
</div>
</fieldset>` : html`<p>${t(LANG, 'resources.field.accessReadOnly', { level: accessLevelLabel(LANG, (resource?.accessLevel ?? dataset.defaultAccess) as AccessLevel) })}</p>`;

  const body = html`<p><a href="/user/datasets/${dataset.id}/edit">${t(LANG, 'resources.nav.dataset')}</a></p>
<h1>${title}</h1>
<p class="muted">${t(LANG, 'resources.new.intro', { dataset: dataset.title, organization: dataset.organizationName })}</p>
${saved ? html`<p class="success" role="status">${t(LANG, 'resources.edit.saved')}</p>` : ''}
${errorSummary(LANG, errors, state.general)}
${current}
<form method="post" action="${action}" enctype="multipart/form-data" novalidate class="form resource-form" data-resource-form
  data-upload-url="/user/datasets/${dataset.id}/resources/uploads" data-resource-id="${resource?.id ?? ''}" data-max-bytes="${max}"
  data-msg-sending="${t(LANG, 'resources.upload.sending')}" data-msg-sent="${t(LANG, 'resources.upload.sent')}"
  data-msg-failed="${t(LANG, 'resources.upload.failed')}" data-msg-network="${t(LANG, 'resources.upload.network')}"
  data-msg-too-large="${tooLargeText(env)}" data-msg-detected="${t(LANG, 'resources.field.formatDetected')}">
${csrfField(token)}
<input type="hidden" name="upload_id" value="${staged?.id ?? ''}" data-upload-id>
${textField({ lang: LANG, name: 'title', label: t(LANG, 'resources.field.title'), hint: t(LANG, 'resources.field.titleHint'), value: values.title, error: errors.title })}
${textField({ lang: LANG, name: 'description', label: t(LANG, 'resources.field.description'), hint: t(LANG, 'resources.field.descriptionHint'), value: values.description, multiline: true })}
${selectField({ lang: LANG, name: 'resource_type', label: t(LANG, 'resources.field.type'), value: values.resource_type, error: errors.resource_type, required: true,
    choices: TYPES.map((type) => ({ value: type, label: resourceTypeLabel(LANG, type) })) })}
${modeFieldset(values, errors)}
<div class="resource-source" data-mode-section="upload">
<div class="field${errors.file ? ' field-invalid' : ''}">
<label for="field-file">${t(LANG, 'resources.field.file')}</label>
<p class="field-hint" id="hint-file">${t(LANG, 'resources.field.fileHint', { max: formatSize(max) })}</p>
${errors.file ? html`<p class="field-error" id="error-file">${errors.file}</p>` : ''}
<input type="file" id="field-file" name="file" aria-describedby="hint-file${errors.file ? ' error-file' : ''}" data-upload-file>
</div>
<div class="upload-progress" data-upload-progress hidden>
<progress max="100" value="0" aria-label="${t(LANG, 'resources.upload.progressLabel')}"></progress>
<p data-upload-status role="status" aria-live="polite"></p>
</div>
${staged ? html`<p class="success" data-upload-staged>${staged.fileName} (${formatSize(staged.size)}) — ${staged.format ? t(LANG, 'resources.field.formatDetected', { format: formatLabel(staged.format) }) : t(LANG, 'resources.error.formatRequired')}</p>` : ''}
</div>
<div class="resource-source" data-mode-section="url_download">
${textField({ lang: LANG, name: 'url', type: 'url', label: t(LANG, 'resources.field.url'), hint: t(LANG, 'resources.field.urlHint'), value: values.url, error: errors.url })}
${selectField({ lang: LANG, name: 'sync_frequency', label: t(LANG, 'resources.field.syncFrequency'), hint: t(LANG, 'resources.field.syncFrequencyHint'), value: values.sync_frequency, error: errors.sync_frequency,
    choices: SYNC_FREQUENCIES.map((code) => ({ value: code, label: syncLabel(code) })) })}
</div>
<div class="resource-source" data-mode-section="url_reference">
${textField({ lang: LANG, name: 'reference_url', type: 'url', label: t(LANG, 'resources.field.referenceUrl'), hint: t(LANG, 'resources.field.referenceUrlHint'), value: values.reference_url, error: errors.reference_url })}
</div>
<div class="resource-source" data-mode-section="sftp">
${deposits.length === 0 ? html`<p class="muted" id="field-sftp_path">${t(LANG, 'resources.field.sftpNone')}</p>${errors.sftp_path ? html`<p class="field-error">${errors.sftp_path}</p>` : ''}`
    : selectField({ lang: LANG, name: 'sftp_path', label: t(LANG, 'resources.field.sftpFile'), value: values.sftp_path, error: errors.sftp_path, placeholder: t(LANG, 'resources.field.sftpChoose'),
      choices: deposits.map((d) => ({ value: d.path, label: `${d.path} (${formatSize(d.size)})` })) })}
${selectField({ lang: LANG, name: 'sftp_sync_frequency', label: t(LANG, 'resources.field.syncFrequency'), hint: t(LANG, 'resources.field.syncFrequencyHint'), value: values.sftp_sync_frequency, error: errors.sftp_sync_frequency,
    choices: SYNC_FREQUENCIES.map((code) => ({ value: code, label: syncLabel(code) })) })}
</div>
${selectField({ lang: LANG, name: 'format', label: t(LANG, 'resources.field.format'), hint: t(LANG, 'resources.field.formatHint'), value: values.format, error: errors.format,
    placeholder: t(LANG, 'resources.field.formatChoose'), choices: formatChoices })}
${selectField({ lang: LANG, name: 'crs', label: t(LANG, 'ogc.field.crs'), hint: t(LANG, 'ogc.field.crsHint'), value: values.crs ?? '', error: errors.crs,
    choices: [{ value: '', label: t(LANG, 'ogc.field.crsFromFile') }, ...SUPPORTED_CRS.map((code) => ({ value: code, label: t(LANG, `ogc.crs.${code}`) }))] })}
${accessPart}
<button type="submit" class="button">${t(LANG, resource ? 'resources.edit.submit' : 'resources.new.submit')}</button>
</form>
<script src="/scripts/resource-upload.js" defer></script>`;
  return pageResponse(request, env, { title, body, status: state.status, section: 'datasets' });
}

const tooLargeText = (env: Env) => problemText(tooLarge(env));

// ---- Reading the form ---------------------------------------------------------------------------------------------

interface ReadForm {
  input: Omit<ResourceInput, 'format' | 'access'>;
  chosenFormat: string;
  errors: FieldErrors;
  access: ResourceInput['access'];
}

async function readAccess(env: Env, form: FormData, values: Record<string, string>, errors: FieldErrors): Promise<ResourceInput['access']> {
  const level = values.access_level as AccessLevel;
  if (!ACCESS_LEVELS.includes(level)) {
    errors.access_level = t(LANG, 'resources.error.accessInvalid');
    return null;
  }
  const usernames = [...new Set((values.allowed_users ?? '').split(/[\s,;]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))];
  const organizationIds = [...new Set(form.getAll('allowed_organizations').filter((v): v is string => typeof v === 'string'))];
  let userIds: string[] = [];
  if (level === 'listed_users') {
    if (usernames.length === 0) errors.allowed_users = t(LANG, 'resources.error.usersRequired');
    else {
      const found = await env.DB.prepare(`SELECT id, username FROM users WHERE username IN (${usernames.map(() => '?').join(',')})`).bind(...usernames)
        .all<{ id: string; username: string }>();
      const unknown = usernames.filter((u) => !found.results.some((f) => f.username === u));
      if (unknown.length) errors.allowed_users = t(LANG, 'resources.error.usersUnknown', { names: unknown.join(', ') });
      userIds = found.results.map((f) => f.id);
    }
  }
  if (level === 'listed_organizations') {
    if (organizationIds.length === 0) errors.allowed_organizations = t(LANG, 'resources.error.organizationsRequired');
    else {
      const found = await env.DB.prepare(`SELECT COUNT(*) AS n FROM organizations WHERE id IN (${organizationIds.map(() => '?').join(',')})`).bind(...organizationIds).first<{ n: number }>();
      if (found?.n !== organizationIds.length) errors.allowed_organizations = t(LANG, 'resources.error.organizationsUnknown');
    }
  }
  return { level, userIds, organizationIds };
}

async function readForm(env: Env, actor: Actor, dataset: ManagedDataset, form: FormData, values: Record<string, string>): Promise<ReadForm> {
  const errors: FieldErrors = {};
  const mode = values.mode as SourceMode;
  if (!MODES.includes(mode)) errors.mode = t(LANG, 'resources.error.modeInvalid');
  const resourceType = values.resource_type as 'raw' | 'documentation';
  if (!TYPES.includes(resourceType)) errors.resource_type = t(LANG, 'resources.error.typeInvalid');
  const frequencyField = mode === 'sftp' ? 'sftp_sync_frequency' : 'sync_frequency';
  const syncFrequency = (values[frequencyField] ?? 'never') as SyncFrequency;
  if (!SYNC_FREQUENCIES.includes(syncFrequency)) errors[frequencyField] = t(LANG, 'resources.error.frequencyInvalid');
  const chosenFormat = (values.format ?? '').trim();
  if (chosenFormat && !formatInfo(chosenFormat)) errors.format = t(LANG, 'resources.error.formatUnknown');
  let sourceUrl: string | null = null;
  if (mode === 'url_download') {
    sourceUrl = (values.url ?? '').trim();
    if (!sourceUrl) errors.url = t(LANG, 'resources.error.urlRequired');
    else {
      const refused = checkUrl(env, sourceUrl);
      if (refused) errors.url = problemText(refused);
    }
  }
  if (mode === 'url_reference') {
    sourceUrl = (values.reference_url ?? '').trim();
    let parsed: URL | null = null;
    try {
      parsed = new URL(sourceUrl);
    } catch {
      // reported below
    }
    if (!sourceUrl) errors.reference_url = t(LANG, 'resources.error.urlRequired');
    else if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) errors.reference_url = t(LANG, 'resources.error.url.scheme');
  }
  const sftpPath = mode === 'sftp' ? (values.sftp_path ?? '').trim() : '';
  if (mode === 'sftp' && !sftpPath) errors.sftp_path = t(LANG, 'resources.error.sftp.required');
  const access = can(actor, { action: 'resource:set-access', dataset: datasetFacts(dataset) }) ? await readAccess(env, form, values, errors) : null;
  const crs = (values.crs ?? '').trim();
  if (crs && !SUPPORTED_CRS.includes(crs as (typeof SUPPORTED_CRS)[number])) errors.crs = t(LANG, 'ogc.error.crsUnknown');
  return {
    input: {
      crs: crs || null,
      title: (values.title ?? '').trim(), description: (values.description ?? '').trim(), resourceType, sourceMode: mode, sourceUrl,
      sftpPath: sftpPath || null, sftpUserId: mode === 'sftp' ? actor.kind === 'user' ? actor.id : null : null, syncFrequency,
    },
    chosenFormat,
    errors,
    access,
  };
}

function formValuesOf(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === 'string' && !(key in values)) values[key] = value;
  return values;
}

/** Title from a file name when the producer leaves it empty, as IDGO does. */
const titleFromFileName = (name: string) => name.replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' ').trim();

// ---- Saving -------------------------------------------------------------------------------------------------------

async function handleSubmit(request: IRequest, env: Env, context: ManageContext): Promise<Response> {
  const { actor, dataset, resource } = context;
  const now = new Date();
  const base = initialState(dataset, resource);
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > Math.min(FORM_UPLOAD_MAX_BYTES, maxUploadBytes(env)) + 64 * 1024) {
    const general = length > maxUploadBytes(env) ? tooLargeText(env)
      : t(LANG, 'resources.error.formTooLarge', { max: formatSize(FORM_UPLOAD_MAX_BYTES), limit: formatSize(maxUploadBytes(env)) });
    await request.body?.cancel();
    return renderForm(request, env, context, { ...base, general, status: 413 });
  }
  const form = await request.formData();
  const values = formValuesOf(form);
  const allowedOrganizations = form.getAll('allowed_organizations').filter((v): v is string => typeof v === 'string');
  const fail = (errors: FieldErrors, staged: StagedUpload | null, status = 400, general?: string) =>
    renderForm(request, env, context, { values, allowedOrganizations, errors, staged, status, general });
  if (!csrfValid(request, form)) return fail({}, null, 403, t(LANG, 'auth.csrf'));

  const read = await readForm(env, actor, dataset, form, values);
  const newId = crypto.randomUUID();
  const errors = read.errors;

  // The file: a staged upload (the script, or an earlier attempt of this form), or the file field (no JavaScript).
  let staged: StagedUpload | null = null;
  if (read.input.sourceMode === 'upload') {
    const file = form.get('file');
    if (values.upload_id) {
      staged = await attachableUpload(env.DB, values.upload_id, actor.id, dataset.id, resource?.id ?? null);
      if (!staged) errors.file = t(LANG, 'resources.error.uploadExpired');
    } else if (file instanceof File && file.size > 0) {
      const sourced = await storeVersion(env, resource?.id ?? newId, file.name, file.stream());
      if (!sourced.ok) errors.file = problemText(sourced.problem);
      else staged = await stageStoredFile(env.DB, actor.id, dataset.id, resource?.id ?? newId, sourced, now);
    } else if (!resource || resource.sourceMode !== 'upload') {
      errors.file = t(LANG, 'resources.error.fileRequired');
    }
  }
  if (Object.keys(errors).length > 0) return fail(errors, staged);

  const id = resource?.id ?? staged?.resourceId ?? newId;
  // Other sources are fetched once the form is otherwise valid (nothing fetched for a form with mistakes).
  let sourced: Sourced | null = null;
  let newVersion: NewVersion | null = staged?.version ?? null;
  const changedSource = !resource || resource.sourceMode !== read.input.sourceMode
    || (read.input.sourceMode === 'url_download' && resource.sourceUrl !== read.input.sourceUrl)
    || (read.input.sourceMode === 'sftp' && resource.sftpPath !== read.input.sftpPath);
  if (read.input.sourceMode === 'url_download' && changedSource) sourced = await storeFromUrl(env, id, read.input.sourceUrl!);
  if (read.input.sourceMode === 'sftp' && changedSource) sourced = await storeFromDeposit(env, id, actor.id, read.input.sftpPath!);
  if (sourced && !sourced.ok) return fail({ [read.input.sourceMode === 'sftp' ? 'sftp_path' : 'url']: problemText(sourced.problem) }, staged);
  if (sourced?.ok) newVersion = sourced.version;

  // The format: the producer's choice within what the content allows, else the recognised one.
  const detected = staged ? staged.format : sourced?.ok ? sourced.format : resource?.fileKey && read.input.sourceMode !== 'url_reference' ? resource.format : undefined;
  let format = read.chosenFormat;
  const cleanup = async () => {
    if (sourced?.ok) await env.FILES.delete(sourced.version.key);
  };
  if (detected !== undefined) {
    const allowed = compatibleFormats(detected);
    if (format && !allowed.includes(format)) {
      await cleanup();
      return fail({ format: t(LANG, 'resources.error.formatIncompatible', { detected: detected ? formatLabel(detected) : t(LANG, 'resources.error.unrecognised'), choices: allowed.map(formatLabel).join(', ') }) }, staged);
    }
    format ||= detected ?? '';
  } else if (!format && read.input.sourceMode === 'url_reference') {
    format = FORMATS.find((f) => f.extensions.includes(extensionOf(new URL(read.input.sourceUrl!).pathname)))?.code ?? 'HTML';
  }
  if (!format) {
    await cleanup();
    return fail({ format: t(LANG, 'resources.error.formatRequired') }, staged);
  }

  const title = read.input.title || titleFromFileName(newVersion?.fileName ?? resource?.title ?? '') || (read.input.sourceUrl ?? '');
  await saveResource(env, actor, dataset, id, resource, { ...read.input, title, format, access: read.access }, newVersion, now, staged?.id ?? null,
    sourced?.ok ? 'form' : null);
  const referents = await organizationReferentEmails(env.DB, dataset.organizationId);
  await sendMails(env, resourceChangedMails(env, resource ? 'updated' : 'created', {
    datasetId: dataset.id, datasetTitle: dataset.title, organizationName: dataset.organizationName, resourceId: id, resourceTitle: title,
  }, actorName(actor), referents));
  return redirect(request, env, `${resourcePath(dataset.id, id, 'edit')}?saved`);
}

export const actorName = (actor: SignedIn) => actor.username ?? actor.id;

export async function newResourceFormHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await manageContext(request, env);
  if (context instanceof Response) return context;
  return renderForm(request, env, context, initialState(context.dataset, null));
}

export async function editResourceFormHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await manageContext(request, env, { resource: true });
  if (context instanceof Response) return context;
  return renderForm(request, env, context, initialState(context.dataset, context.resource));
}

export async function submitResourceHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await manageContext(request, env, { resource: request.params.resourceId !== undefined });
  if (context instanceof Response) return context;
  return handleSubmit(request, env, context);
}
