// Publishing step 1: the dataset form, to create (/user/datasets/new) and edit (/user/datasets/:id/edit) a
// dataset's metadata. Plain HTML that works without JavaScript; keywords.js adds the keyword autocomplete.
import type { IRequest } from 'itty-router';
import { renderMarkdown } from '../../../../site/lib/markdown';
import {
  conflictErrors, datasetFormInput, newDatasetValues, parisToday, type DatasetDraft,
} from '../../domain/dataset-form';
import {
  ACCESS_LEVELS, DATA_TYPES, GEOCOVERS, GRANULARITIES, UPDATE_FREQUENCIES,
} from '../../domain/vocabulary';
import type { Env } from '../../env';
import {
  accessLevelLabel, dataTypeLabel, frequencyLabel, geocoverLabel, granularityLabel, sourceModeLabel, t,
} from '../../i18n';
import { checkboxField, csrfField, errorSummary, selectField, textField, translateErrors, type FieldErrors } from '../../render/forms';
import { html, raw, type Html } from '../../render/html';
import {
  listDatasetResources, listLicences, listThemes,
  type DatasetRecord, type PublishingOrganization,
} from '../../store/datasets';
import { displayName, saveDataset, validateDataset } from '../../store/dataset-publishing';
import { findUserById } from '../../store/users';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, redirect, requireUser, type SignedIn } from '../pages';
import { datasetFor, editOrganizations, publishingOrganizations } from './dataset-access';

interface FormState {
  values: Record<string, string>;
  themes: readonly string[];
  dataTypes: readonly string[];
  errors?: FieldErrors;
  general?: string;
  preview?: boolean;
  status?: number;
}

/** The record as the form's values, to edit it. */
const recordValues = (d: DatasetRecord): FormState => datasetFormInput(d);

function choiceGroup(options: { name: string; legend: string; type: 'checkbox' | 'radio'; choices: ReadonlyArray<{ value: string; label: string }>; checked: readonly string[]; error?: string; hint?: string }): Html {
  const { name, legend, type, choices, checked, error, hint } = options;
  const described = [hint ? `hint-${name}` : '', error ? `error-${name}` : ''].filter(Boolean).join(' ');
  return html`<fieldset class="field choice-group${error ? ' field-invalid' : ''}"${described ? html` aria-describedby="${described}"` : ''}>
<legend>${legend}</legend>
${hint ? html`<p class="field-hint" id="hint-${name}">${hint}</p>` : ''}
${error ? html`<p class="field-error" id="error-${name}">${error}</p>` : ''}
<div class="choices">${choices.map((c, i) => {
    // The first box carries the field's id so the error summary's link lands on the group.
    const id = i === 0 ? `field-${name}` : `field-${name}-${c.value}`;
    return html`<div class="choice"><input type="${type}" id="${id}" name="${name}" value="${c.value}"${checked.includes(c.value) ? html` checked` : ''}><label for="${id}">${c.label}</label></div>`;
  })}</div>
</fieldset>`;
}

interface FormPage {
  actor: SignedIn;
  dataset: DatasetRecord | null;
  organizations: readonly PublishingOrganization[];
  state: FormState;
  notice?: string | null;
}

async function datasetFormPage(request: Request, env: Env, page: FormPage): Promise<Response> {
  const { dataset, organizations, state } = page;
  const token = await csrfToken(request, env);
  const [licences, themes, resources] = await Promise.all([
    listLicences(env.DB), listThemes(env.DB), dataset ? listDatasetResources(env.DB, dataset.id) : Promise.resolve([]),
  ]);
  const values = state.values;
  const errors = state.errors ?? {};
  const field = (name: string, label: string, extra: Partial<Parameters<typeof textField>[0]> = {}) =>
    textField({ lang: LANG, name, label, value: values[name], error: errors[name], ...extra });
  const select = (name: string, label: string, choices: ReadonlyArray<{ value: string; label: string }>, extra: { required?: boolean; placeholder?: string; hint?: string } = {}) =>
    selectField({ lang: LANG, name, label, value: values[name], error: errors[name], choices, ...extra });
  const title = dataset ? t(LANG, 'datasetForm.editTitle', { title: dataset.title }) : t(LANG, 'datasetForm.newTitle');
  const action = dataset ? `/user/datasets/${dataset.id}/edit` : '/user/datasets/new';
  const territory = organizations.find((o) => o.id === values.organization)?.territoryName;

  const resourceLinks = (r: { id: string; title: string }) => {
    const base = `/user/datasets/${dataset!.id}/resources/${r.id}`;
    const link = (path: 'edit' | 'versions' | 'delete') =>
      html`<a href="${base}/${path}" aria-label="${t(LANG, `datasetForm.resources.${path}For`, { title: r.title })}">${t(LANG, `datasetForm.resources.${path}`)}</a>`;
    return html`<ul class="action-list"><li>${link('edit')}</li><li>${link('versions')}</li><li>${link('delete')}</li></ul>`;
  };
  const resourceSection = dataset ? html`<section class="dataset-resources" aria-labelledby="resources-title">
<h2 id="resources-title">${t(LANG, 'datasetForm.resources.title')}</h2>
${resources.length === 0 ? html`<p>${t(LANG, 'datasetForm.resources.none')}</p>` : html`<table class="data-table">
<thead><tr><th scope="col">${t(LANG, 'datasetForm.resources.resource')}</th><th scope="col">${t(LANG, 'datasetForm.resources.format')}</th><th scope="col">${t(LANG, 'datasetForm.resources.mode')}</th><th scope="col">${t(LANG, 'datasetForm.resources.access')}</th><th scope="col">${t(LANG, 'datasetForm.resources.actions')}</th></tr></thead>
<tbody>${resources.map((r) => html`<tr><td>${r.title}</td><td>${r.format}</td><td>${sourceModeLabel(LANG, r.sourceMode)}</td><td>${accessLevelLabel(LANG, r.accessLevel)}</td><td>${resourceLinks(r)}</td></tr>`)}</tbody></table>`}
<p><a class="button" href="/user/datasets/${dataset.id}/resources/new">${t(LANG, 'datasetForm.resources.add')}</a></p>
</section>` : '';

  const preview = state.preview && values.description?.trim()
    ? html`<section class="markdown-preview" aria-labelledby="preview-title" tabindex="-1" data-preview>
<h2 id="preview-title">${t(LANG, 'datasetForm.previewTitle')}</h2>
<div class="prose">${raw(renderMarkdown(values.description))}</div>
</section>` : '';

  const body = html`<h1>${title}</h1>
<p class="lead">${t(LANG, 'datasetForm.step')}</p>
${page.notice ? html`<p class="success" role="status">${page.notice}</p>` : ''}
${errorSummary(LANG, errors, state.general)}
<form method="post" action="${action}" class="form form-wide dataset-form" novalidate>${csrfField(token)}
<fieldset class="form-section"><legend>${t(LANG, 'datasetForm.section.main')}</legend>
${field('title', t(LANG, 'datasetForm.title'), { required: true, hint: dataset ? t(LANG, 'datasetForm.address', { path: `/dataset/${dataset.slug}` }) : t(LANG, 'datasetForm.titleHint') })}
${select('organization', t(LANG, 'datasetForm.organization'), organizations.map((o) => ({ value: o.id, label: o.legalName })),
    { required: true, placeholder: organizations.length > 1 ? t(LANG, 'datasetForm.organizationChoose') : undefined })}
${field('description', t(LANG, 'datasetForm.description'), { required: true, multiline: true, hint: t(LANG, 'datasetForm.descriptionHint') })}
${preview}
</fieldset>
<fieldset class="form-section"><legend>${t(LANG, 'datasetForm.section.dates')}</legend>
<div class="field-row">
${field('date_created', t(LANG, 'datasetForm.dateCreated'), { type: 'date', required: true })}
${field('date_modified', t(LANG, 'datasetForm.dateModified'), { type: 'date', required: true, hint: t(LANG, 'datasetForm.dateModifiedHint') })}
${field('date_published', t(LANG, 'datasetForm.datePublished'), { type: 'date', required: true })}
</div>
</fieldset>
<fieldset class="form-section"><legend>${t(LANG, 'datasetForm.section.classification')}</legend>
${select('licence', t(LANG, 'datasetForm.licence'), licences.map((l) => ({ value: l.id, label: l.title })), { required: true, placeholder: t(LANG, 'datasetForm.licenceChoose') })}
${field('keywords', t(LANG, 'datasetForm.keywords'), {
    hint: t(LANG, 'datasetForm.keywordsHint'),
    autocomplete: 'off',
    attributes: html`data-keywords data-keywords-label="${t(LANG, 'datasetForm.keywordsSuggestions')}"`,
  })}
${choiceGroup({ name: 'themes', legend: t(LANG, 'datasetForm.themes'), type: 'checkbox', choices: themes.map((th) => ({ value: th.id, label: th.title })), checked: state.themes, error: errors.themes })}
${choiceGroup({ name: 'data_types', legend: t(LANG, 'datasetForm.dataTypes'), type: 'checkbox', choices: DATA_TYPES.map((code) => ({ value: code, label: dataTypeLabel(LANG, code) })), checked: state.dataTypes, error: errors.data_types })}
${select('update_frequency', t(LANG, 'datasetForm.frequency'), UPDATE_FREQUENCIES.map((code) => ({ value: code, label: frequencyLabel(LANG, code) })))}
</fieldset>
<fieldset class="form-section"><legend>${t(LANG, 'datasetForm.section.coverage')}</legend>
${select('granularity', t(LANG, 'datasetForm.granularity'), GRANULARITIES.map((code) => ({ value: code, label: granularityLabel(LANG, code) })))}
${select('geocover', t(LANG, 'datasetForm.geocover'), GEOCOVERS.map((code) => ({ value: code, label: geocoverLabel(LANG, code) })), {
    hint: [t(LANG, 'datasetForm.geocoverHint'), territory ? t(LANG, 'datasetForm.territory', { name: territory }) : ''].filter(Boolean).join(' '),
  })}
<div class="field-row">
${field('bbox_west', t(LANG, 'datasetForm.bboxWest'), { attributes: html`inputmode="decimal"` })}
${field('bbox_south', t(LANG, 'datasetForm.bboxSouth'), { attributes: html`inputmode="decimal"` })}
${field('bbox_east', t(LANG, 'datasetForm.bboxEast'), { attributes: html`inputmode="decimal"` })}
${field('bbox_north', t(LANG, 'datasetForm.bboxNorth'), { attributes: html`inputmode="decimal"` })}
</div>
</fieldset>
<fieldset class="form-section"><legend>${t(LANG, 'datasetForm.section.contacts')}</legend>
<div class="field-row">
${field('owner_name', t(LANG, 'datasetForm.ownerName'))}
${field('owner_email', t(LANG, 'datasetForm.ownerEmail'), { type: 'email' })}
</div>
<div class="field-row">
${field('broadcaster_name', t(LANG, 'datasetForm.broadcasterName'))}
${field('broadcaster_email', t(LANG, 'datasetForm.broadcasterEmail'), { type: 'email' })}
</div>
</fieldset>
<fieldset class="form-section"><legend>${t(LANG, 'datasetForm.section.publication')}</legend>
${select('default_access', t(LANG, 'datasetForm.defaultAccess'), ACCESS_LEVELS.map((code) => ({ value: code, label: accessLevelLabel(LANG, code) })), { hint: t(LANG, 'datasetForm.defaultAccessHint') })}
${choiceGroup({ name: 'state', legend: t(LANG, 'datasetForm.state'), type: 'radio', checked: [values.state ?? 'draft'], error: errors.state,
    choices: [{ value: 'draft', label: t(LANG, 'datasetForm.state.draft') }, { value: 'published', label: t(LANG, 'datasetForm.state.published') }] })}
</fieldset>
<div class="form-actions">
<button type="submit" class="button">${t(LANG, 'datasetForm.save')}</button>
<button type="submit" class="button button-secondary" name="intent" value="preview">${t(LANG, 'datasetForm.preview')}</button>
<a href="/user/datasets">${t(LANG, 'datasetForm.cancel')}</a>
</div>
</form>
${resourceSection}`;
  return pageResponse(request, env, {
    title,
    body,
    status: state.status,
    head: html`<script src="/scripts/keywords.js" defer></script>`,
  });
}

function readState(form: FormData, status?: number): FormState {
  const list = (name: string) => form.getAll(name).filter((v): v is string => typeof v === 'string');
  return { values: formValues(form), themes: list('themes'), dataTypes: list('data_types'), status };
}

/** Validates a submitted form through the shared publishing path; errors come back translated for the page. */
async function validate(env: Env, actor: SignedIn, state: FormState, organizations: readonly PublishingOrganization[], existing: DatasetRecord | null):
  Promise<{ draft: DatasetDraft | null; errors: FieldErrors }> {
  const { draft, errors } = await validateDataset(env, actor, { values: state.values, themes: state.themes, dataTypes: state.dataTypes }, organizations, existing);
  return { draft, errors: translateErrors(LANG, errors) };
}

export async function newDatasetFormHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const organizations = await publishingOrganizations(env, actor);
  if (organizations.length === 0) return noOrganizationPage(request, env);
  const user = (await findUserById(env.DB, actor.id))!;
  const values = newDatasetValues({ name: displayName(user), email: user.email }, organizations.length === 1 ? organizations[0]! : null, parisToday());
  return datasetFormPage(request, env, { actor, dataset: null, organizations, state: { values, themes: [], dataTypes: [] } });
}

function noOrganizationPage(request: Request, env: Env): Promise<Response> {
  return pageResponse(request, env, {
    title: t(LANG, 'datasetForm.newTitle'),
    status: 403,
    body: html`<h1>${t(LANG, 'datasetForm.newTitle')}</h1><p>${t(LANG, 'datasetForm.noOrganization')}</p><p><a href="/user/organizations">${t(LANG, 'roles.mine.title')}</a></p>`,
  });
}

export async function createDatasetHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const organizations = await publishingOrganizations(env, actor);
  if (organizations.length === 0) return noOrganizationPage(request, env);
  const form = await request.formData();
  const state = readState(form);
  const page = (extra: Partial<FormState>) => datasetFormPage(request, env, { actor, dataset: null, organizations, state: { ...state, ...extra } });
  if (!csrfValid(request, form)) return page({ general: t(LANG, 'auth.csrf'), status: 403 });
  if (state.values.intent === 'preview') return page({ preview: true });
  const { draft, errors } = await validate(env, actor, state, organizations, null);
  if (!draft) return page({ errors, status: 400 });
  const organizationName = organizations.find((o) => o.id === draft.organizationId)!.legalName;
  const saved = await saveDataset(env, actor, draft, null, organizationName);
  if (!saved.ok) return page({ errors: translateErrors(LANG, conflictErrors(saved.conflict)), status: 400 });
  return redirect(request, env, `/user/datasets/${saved.id}/edit?done=created`);
}

export async function editDatasetFormHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const dataset = await datasetFor(request, env, actor, request.params.datasetId!, 'dataset:edit');
  if (dataset instanceof Response) return dataset;
  const done = new URL(request.url).searchParams.get('done');
  const notice = done === 'created' || done === 'saved'
    ? [t(LANG, done === 'created' ? 'datasetForm.created' : 'datasetForm.saved'), dataset.published ? t(LANG, 'datasetForm.rebuilding') : ''].filter(Boolean).join(' ')
    : null;
  return datasetFormPage(request, env, { actor, dataset, organizations: await editOrganizations(env, actor, dataset), state: recordValues(dataset), notice });
}

export async function updateDatasetHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const dataset = await datasetFor(request, env, actor, request.params.datasetId!, 'dataset:edit');
  if (dataset instanceof Response) return dataset;
  const organizations = await editOrganizations(env, actor, dataset);
  const form = await request.formData();
  const state = readState(form);
  const page = (extra: Partial<FormState>) => datasetFormPage(request, env, { actor, dataset, organizations, state: { ...state, ...extra } });
  if (!csrfValid(request, form)) return page({ general: t(LANG, 'auth.csrf'), status: 403 });
  if (state.values.intent === 'preview') return page({ preview: true });
  // The choices are the dataset's organisation and those where the user may create: moving it needs that right there.
  const { draft, errors } = await validate(env, actor, state, organizations, dataset);
  if (!draft) return page({ errors, status: 400 });
  const organizationName = organizations.find((o) => o.id === draft.organizationId)!.legalName;
  const saved = await saveDataset(env, actor, draft, dataset, organizationName);
  if (!saved.ok) return page({ errors: translateErrors(LANG, conflictErrors(saved.conflict)), status: 400 });
  return redirect(request, env, `/user/datasets/${dataset.id}/edit?done=saved`);
}
