// Worker entry: the edge API. Static pages never come here (see wrangler.toml run_worker_first).
import { Router, type IRequest } from 'itty-router';
import type { Env } from './env';
import type { JobMessage } from './store/queue';
import { downloadHandler, publicImageHandler } from './http/downloads/download';
import { importHandler, snapshotHandler, statusHandler } from './http/operator/catalogue';
import { json, problem } from './http/respond';
import { pendingCookies, requestContext } from './http/actor';
import { loginFormHandler, loginHandler, logoutHandler } from './http/account/login';
import { accountHomeHandler } from './http/account/home';
import { createOrganizationHandler, dropRoleHandler, joinOrganizationHandler, myOrganizationsHandler } from './http/roles/my-organizations';
import { decideHandler, validationQueueHandler } from './http/roles/validation';
import { handleRebuildMessages } from './jobs/rebuild';
import { editResourceFormHandler, newResourceFormHandler, submitResourceHandler } from './http/publish/resource-form';
import { completeUploadHandler, createUploadHandler, uploadPartHandler } from './http/publish/resource-upload';
import { deleteFormHandler, deleteHandler, restoreVersionHandler, syncsHandler, versionsHandler } from './http/publish/resource-pages';
import { purgeAbandonedUploads, runDueSyncs } from './jobs/sync';
import { t } from './i18n';

type Args = [Env, ExecutionContext];

const router = Router<IRequest, Args>()
  .get('/api/health', () => json({ ok: true }))
  .post('/api/internal/catalogue/import', importHandler)
  .get('/api/internal/catalogue/snapshot', snapshotHandler)
  .get('/api/internal/catalogue/status', statusHandler)
  .get('/api/files/*', publicImageHandler)
  .get('/dataset/:datasetId/resource/:resourceId/download/:fileName', downloadHandler)
  .get('/user/login', loginFormHandler)
  .post('/user/login', loginHandler)
  .post('/user/logout', logoutHandler)
  .get('/user', accountHomeHandler)
  .get('/user/organizations', myOrganizationsHandler)
  .post('/user/organizations/join', joinOrganizationHandler)
  .post('/user/organizations/create', createOrganizationHandler)
  .post('/user/organizations/drop', dropRoleHandler)
  .get('/user/validation', validationQueueHandler)
  .post('/user/validation/:requestId', decideHandler)
  // Resources of a dataset (publishing, step 2) and the producer's synchronisations.
  .get('/user/datasets/:datasetId/resources/new', newResourceFormHandler)
  .post('/user/datasets/:datasetId/resources/new', submitResourceHandler)
  .post('/user/datasets/:datasetId/resources/uploads', createUploadHandler)
  .put('/user/datasets/:datasetId/resources/uploads/:uploadId/parts/:partNumber', uploadPartHandler)
  .post('/user/datasets/:datasetId/resources/uploads/:uploadId/complete', completeUploadHandler)
  .get('/user/datasets/:datasetId/resources/:resourceId/edit', editResourceFormHandler)
  .post('/user/datasets/:datasetId/resources/:resourceId/edit', submitResourceHandler)
  .get('/user/datasets/:datasetId/resources/:resourceId/versions', versionsHandler)
  .post('/user/datasets/:datasetId/resources/:resourceId/versions', restoreVersionHandler)
  .get('/user/datasets/:datasetId/resources/:resourceId/delete', deleteFormHandler)
  .post('/user/datasets/:datasetId/resources/:resourceId/delete', deleteHandler)
  .get('/user/syncs', syncsHandler)
  .all('*', () => problem(404, t('fr', 'api.unknownPath')));

// A presented API token that is unknown, revoked or expired is refused rather than treated as anonymous, so a
// client notices at once; CKAN clients get CKAN's error envelope.
function invalidTokenResponse(request: Request): Response {
  const message = t('fr', 'api.invalidToken');
  const path = new URL(request.url).pathname;
  if (/^\/api\/(3\/)?action\//.test(path)) {
    return json({ help: '', success: false, error: { __type: 'Authorization Error', message } }, { status: 403 });
  }
  return problem(401, message);
}

export default {
  async fetch(request, env, ctx) {
    let response: Response;
    try {
      const context = await requestContext(request, env, ctx);
      response = context.invalidToken ? invalidTokenResponse(request) : await router.fetch(request, env, ctx);
    } catch (error) {
      console.error(error);
      response = problem(500, t('fr', 'api.internalError'));
    }
    // Marks every response produced by the Worker; static assets never carry it (tests rely on that).
    const marked = new Response(response.body, response);
    marked.headers.set('x-portal-worker', '1');
    for (const cookie of await pendingCookies(request)) marked.headers.append('set-cookie', cookie);
    return marked;
  },
  async queue(batch, env) {
    await handleRebuildMessages(batch.messages, env);
  },
  // Hourly cron: synchronised resources whose Paris-time slot has come, then abandoned uploads.
  async scheduled(controller, env, ctx) {
    const now = new Date(controller.scheduledTime);
    ctx.waitUntil(runDueSyncs(env, now).then(() => purgeAbandonedUploads(env, now)));
  },
} satisfies ExportedHandler<Env, JobMessage>;
