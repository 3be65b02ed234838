// Réutilisations: any signed-in user declares one (title, description, address, type, image, linked datasets); it
// reaches /showcase and the linked dataset pages after the rebuild. The author (or an administrator) edits it;
// administrators publish or unpublish it (/admin/showcases).
import type { IRequest } from 'itty-router';
import { imageType, readShowcaseForm, SHOWCASE_IMAGE_MAX_BYTES, type ShowcaseErrors } from '../../domain/participation-showcase';
import { can } from '../../domain/permissions';
import { SHOWCASE_TYPES } from '../../domain/vocabulary';
import type { Env } from '../../env';
import { showcaseTypeLabel, t } from '../../i18n';
import { formatDateTime } from '../../render/dates';
import { csrfField, errorSummary, selectField, textField, translateErrors, type FieldErrors } from '../../render/forms';
import { html } from '../../render/html';
import {
  allShowcases, findShowcase, resolveDatasets, saveShowcase, setShowcasePublished, showcasesOf, type ShowcaseImage, type ShowcaseRecord,
} from '../../store/participation-showcases';
import { findUserById } from '../../store/users';
import { consoleNav } from '../admin/common';
import { csrfToken, csrfValid } from '../csrf';
import { forbiddenPage, formValues, LANG, pageResponse, redirect, requireUser, type SignedIn } from '../pages';

interface State { values?: Record<string, string>; errors?: FieldErrors; general?: string; status?: number }

async function showcaseForm(request: Request, env: Env, existing: ShowcaseRecord | null, state: State = {}): Promise<Response> {
  const values = state.values ?? (existing ? {
    title: existing.title, description: existing.description, url: existing.url ?? '', type: existing.showcase_type, datasets: existing.datasetSlugs.join('\n'),
  } : {});
  const errors = state.errors ?? {};
  const title = existing ? t(LANG, 'participation.showcase.editTitle', { title: existing.title }) : t(LANG, 'participation.showcase.newTitle');
  const action = existing ? `/user/showcases/${existing.id}/edit` : '/user/showcases/new';
  const body = html`<h1>${title}</h1>
${errorSummary(LANG, errors, state.general)}
<p>${t(LANG, 'participation.showcase.intro')}</p>
<form method="post" action="${action}" enctype="multipart/form-data" class="form" novalidate>${csrfField(await csrfToken(request, env))}
${textField({ lang: LANG, name: 'title', label: t(LANG, 'participation.showcase.title'), value: values.title, error: errors.title, required: true })}
${selectField({ lang: LANG, name: 'type', label: t(LANG, 'participation.showcase.type'), value: values.type ?? 'application', error: errors.type, required: true, choices: SHOWCASE_TYPES.map((type) => ({ value: type, label: showcaseTypeLabel(LANG, type) })) })}
${textField({ lang: LANG, name: 'description', label: t(LANG, 'participation.showcase.description'), hint: t(LANG, 'participation.showcase.descriptionHint'), value: values.description, error: errors.description, multiline: true })}
${textField({ lang: LANG, name: 'url', type: 'url', label: t(LANG, 'participation.showcase.url'), hint: t(LANG, 'participation.showcase.urlHint'), value: values.url, error: errors.url })}
${textField({ lang: LANG, name: 'datasets', label: t(LANG, 'participation.showcase.datasets'), hint: t(LANG, 'participation.showcase.datasetsHint'), value: values.datasets, error: errors.datasets, required: true, multiline: true })}
<div class="field${errors.image ? ' field-invalid' : ''}"><label for="field-image">${t(LANG, 'participation.showcase.image')} <span class="muted">${t(LANG, 'form.optional')}</span></label>
<p class="field-hint" id="hint-image">${t(LANG, existing?.image_key ? 'participation.showcase.imageReplaceHint' : 'participation.showcase.imageHint')}</p>
${errors.image ? html`<p class="field-error" id="error-image">${errors.image}</p>` : ''}
<input type="file" id="field-image" name="image" accept="image/png,image/jpeg,image/webp" aria-describedby="hint-image${errors.image ? ' error-image' : ''}"></div>
<div class="form-actions"><button type="submit" class="button">${t(LANG, existing ? 'participation.showcase.save' : 'participation.showcase.submit')}</button>
<a href="/user/showcases">${t(LANG, 'participation.cancel')}</a></div>
</form>`;
  return pageResponse(request, env, { title, body, status: state.status });
}

async function readImage(form: FormData): Promise<ShowcaseImage | null | { error: 'participation.showcase.error.imageType' | 'participation.showcase.error.imageSize' }> {
  const file = form.get('image');
  if (!file || typeof file === 'string' || file.size === 0) return null;
  if (file.size > SHOWCASE_IMAGE_MAX_BYTES) return { error: 'participation.showcase.error.imageSize' };
  const bytes = await file.arrayBuffer();
  const type = imageType(new Uint8Array(bytes.slice(0, 16)));
  return type ? { name: file.name, type, bytes } : { error: 'participation.showcase.error.imageType' };
}

async function submit(request: IRequest, env: Env, actor: SignedIn, existing: ShowcaseRecord | null): Promise<Response> {
  const form = await request.formData();
  const values = formValues(form);
  if (!csrfValid(request, form)) return showcaseForm(request, env, existing, { values, general: t(LANG, 'auth.csrf'), status: 403 });
  const { draft, errors } = readShowcaseForm(values);
  const fieldErrors: FieldErrors = translateErrors(LANG, errors as Required<ShowcaseErrors>);
  const datasets = await resolveDatasets(env.DB, draft.datasetRefs);
  if (!fieldErrors.datasets && datasets.unknown.length > 0) fieldErrors.datasets = t(LANG, 'participation.showcase.error.datasetsUnknown', { refs: datasets.unknown.join(', ') });
  const image = await readImage(form);
  if (image && 'error' in image) fieldErrors.image = t(LANG, image.error);
  if (Object.keys(fieldErrors).length > 0) return showcaseForm(request, env, existing, { values, errors: fieldErrors, status: 400 });
  const user = (await findUserById(env.DB, actor.id))!;
  const authorName = existing?.author_name ?? (`${user.first_name} ${user.last_name}`.trim() || user.username);
  await saveShowcase(env, actor, existing, draft, datasets.ids, authorName, image as ShowcaseImage | null);
  return redirect(request, env, `/user/showcases?done=${existing ? 'saved' : 'created'}`);
}

export async function newShowcaseHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const datasetId = new URL(request.url).searchParams.get('dataset');
  const preselected = datasetId ? await env.DB.prepare('SELECT slug FROM datasets WHERE id = ?1 OR slug = ?1').bind(datasetId).first<{ slug: string }>() : null;
  return showcaseForm(request, env, null, { values: { type: 'application', datasets: preselected?.slug ?? '' } });
}

export async function createShowcaseHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  return submit(request, env, actor, null);
}

async function editable(request: IRequest, env: Env, actor: SignedIn): Promise<ShowcaseRecord | Response> {
  const showcase = await findShowcase(env.DB, request.params.showcaseId!);
  if (!showcase) return pageResponse(request, env, { title: t(LANG, 'participation.showcase.notFound'), status: 404, body: html`<h1>${t(LANG, 'participation.showcase.notFound')}</h1>` });
  if (!can(actor, { action: 'showcase:edit', showcase: { authorUserId: showcase.author_user_id } })) return forbiddenPage(request, env, t(LANG, 'participation.showcase.notYours'));
  return showcase;
}

export async function editShowcaseFormHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const showcase = await editable(request, env, actor);
  if (showcase instanceof Response) return showcase;
  return showcaseForm(request, env, showcase);
}

export async function editShowcaseHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const showcase = await editable(request, env, actor);
  if (showcase instanceof Response) return showcase;
  return submit(request, env, actor, showcase);
}

const doneMessages = { created: 'participation.showcase.created', saved: 'participation.showcase.saved' } as const;

export async function myShowcasesHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const mine = await showcasesOf(env.DB, actor.id);
  const done = new URL(request.url).searchParams.get('done') as keyof typeof doneMessages | null;
  const title = t(LANG, 'participation.showcase.mine');
  const body = html`<h1>${title}</h1>
${done && doneMessages[done] ? html`<p class="success" role="status">${t(LANG, doneMessages[done])}</p>` : ''}
<p><a class="button" href="/user/showcases/new">${t(LANG, 'participation.showcase.newTitle')}</a></p>
${mine.length === 0 ? html`<p>${t(LANG, 'participation.showcase.none')}</p>` : html`<ul class="link-list">${mine.map((s) => html`<li>${s.published ? html`<a href="/showcase/${s.slug}">${s.title}</a>` : html`${s.title} <span class="badge">${t(LANG, 'participation.showcase.unpublished')}</span>`} — <a href="/user/showcases/${s.id}/edit">${t(LANG, 'participation.showcase.edit')}<span class="sr-only"> ${s.title}</span></a></li>`)}</ul>`}`;
  return pageResponse(request, env, { title, body });
}

async function requireModerator(request: IRequest, env: Env): Promise<SignedIn | Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  return can(actor, { action: 'content:moderate' }) ? actor : forbiddenPage(request, env);
}

export async function adminShowcasesHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireModerator(request, env);
  if (actor instanceof Response) return actor;
  const rows = await allShowcases(env.DB);
  const token = await csrfToken(request, env);
  const title = t(LANG, 'participation.showcase.adminTitle');
  const body = html`<h1>${title}</h1>
${consoleNav('showcases')}
${rows.length === 0 ? html`<p>${t(LANG, 'participation.showcase.noneAdmin')}</p>` : html`<table class="data-table"><thead><tr><th scope="col">${t(LANG, 'participation.showcase.title')}</th><th scope="col">${t(LANG, 'participation.showcase.author')}</th><th scope="col">${t(LANG, 'participation.access.date')}</th><th scope="col">${t(LANG, 'participation.access.state')}</th></tr></thead>
<tbody>${rows.map((s) => html`<tr><td>${s.published ? html`<a href="/showcase/${s.slug}">${s.title}</a>` : s.title}</td><td>${s.author_name ?? ''}</td><td>${formatDateTime(LANG, s.created_at)}</td>
<td><form method="post" action="/admin/showcases/${s.id}/published" class="inline-form">${csrfField(token)}<input type="hidden" name="published" value="${s.published ? '0' : '1'}">
<button type="submit" class="button button-secondary">${t(LANG, s.published ? 'participation.showcase.unpublish' : 'participation.showcase.publish')}<span class="sr-only"> ${s.title}</span></button></form></td></tr>`)}</tbody></table>`}`;
  return pageResponse(request, env, { title, body });
}

export async function adminShowcasePublishedHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireModerator(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  if (!csrfValid(request, form)) return forbiddenPage(request, env, t(LANG, 'auth.csrf'));
  const showcase = await findShowcase(env.DB, request.params.showcaseId!);
  if (!showcase) return pageResponse(request, env, { title: t(LANG, 'participation.showcase.notFound'), status: 404, body: html`<h1>${t(LANG, 'participation.showcase.notFound')}</h1>` });
  await setShowcasePublished(env, actor, showcase.id, formValues(form).published === '1');
  return redirect(request, env, '/admin/showcases');
}
