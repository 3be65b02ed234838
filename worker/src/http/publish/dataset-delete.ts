// Deleting a whole dataset (/user/datasets/:id/delete): the user types its title to confirm, as a safeguard against
// deleting the wrong one; resources, versions and their files go with it.
import type { IRequest } from 'itty-router';
import { deleteConfirmed } from '../../domain/dataset-form';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { csrfField, errorSummary, textField, type FieldErrors } from '../../render/forms';
import { html } from '../../render/html';
import { removeDataset } from '../../store/dataset-publishing';
import { countResources, type DatasetRecord } from '../../store/datasets';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, redirect, requireUser } from '../pages';
import { datasetFor } from './dataset-access';

async function deletePage(request: Request, env: Env, dataset: DatasetRecord, state: { typed?: string; errors?: FieldErrors; general?: string; status?: number } = {}): Promise<Response> {
  const token = await csrfToken(request, env);
  const title = t(LANG, 'datasetDelete.title', { title: dataset.title });
  const body = html`<h1>${title}</h1>
${errorSummary(LANG, state.errors ?? {}, state.general)}
<p class="notice">${t(LANG, 'datasetDelete.warning', { resources: await countResources(env.DB, dataset.id) })}</p>
<form method="post" action="/user/datasets/${dataset.id}/delete" class="form" novalidate>${csrfField(token)}
${textField({ lang: LANG, name: 'confirm_title', label: t(LANG, 'datasetDelete.confirm', { title: dataset.title }), value: state.typed, error: state.errors?.confirm_title, required: true, autocomplete: 'off' })}
<div class="form-actions">
<button type="submit" class="button button-danger">${t(LANG, 'datasetDelete.submit')}</button>
<a href="/user/datasets">${t(LANG, 'datasetForm.cancel')}</a>
</div>
</form>`;
  return pageResponse(request, env, { title, body, status: state.status });
}

export async function deleteDatasetFormHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const dataset = await datasetFor(request, env, actor, request.params.datasetId!, 'dataset:delete');
  if (dataset instanceof Response) return dataset;
  return deletePage(request, env, dataset);
}

export async function deleteDatasetHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const dataset = await datasetFor(request, env, actor, request.params.datasetId!, 'dataset:delete');
  if (dataset instanceof Response) return dataset;
  const form = await request.formData();
  const typed = formValues(form).confirm_title ?? '';
  if (!csrfValid(request, form)) return deletePage(request, env, dataset, { typed, general: t(LANG, 'auth.csrf'), status: 403 });
  if (!deleteConfirmed(dataset.title, typed)) {
    return deletePage(request, env, dataset, { typed, errors: { confirm_title: t(LANG, 'datasetDelete.mismatch') }, status: 400 });
  }
  await removeDataset(env, actor, dataset);
  return redirect(request, env, '/user/datasets?done=deleted');
}
