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
import { handleIngestMessages } from './jobs/ingest';
import { t } from './i18n';
import { dashboardHandler } from './http/admin/dashboard';
import {
  administratorHandler, grantWebmailExceptionHandler, removeRoleHandler, signOutEverywhereHandler, userDetailHandler, usersListHandler,
  withdrawWebmailExceptionHandler,
} from './http/admin/users';
import {
  organizationActiveHandler, organizationDetailHandler, organizationDomainsHandler, organizationsListHandler,
} from './http/admin/organizations';
import { auditHandler } from './http/admin/audit';
import { membersHandler, removeMemberRoleHandler } from './http/roles/members';
import { datastoreInfo, datastoreSearch, datastoreSearchSql } from './http/datastore/actions';
import { exportHandler } from './http/datastore/export';
import { statusHandler as datastoreStatusHandler } from './http/datastore/status';
import { reingestHandler } from './http/datastore/ingest';

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
  // Administration console and the organisation members page (référents and administrators).
  .get('/admin', dashboardHandler)
  .get('/admin/users', usersListHandler)
  .get('/admin/users/:userId', userDetailHandler)
  .post('/admin/users/:userId/roles/remove', removeRoleHandler)
  .post('/admin/users/:userId/administrator', administratorHandler)
  .post('/admin/users/:userId/webmail-exceptions', grantWebmailExceptionHandler)
  .post('/admin/users/:userId/webmail-exceptions/withdraw', withdrawWebmailExceptionHandler)
  .post('/admin/users/:userId/sessions/revoke', signOutEverywhereHandler)
  .get('/admin/organizations', organizationsListHandler)
  .get('/admin/organizations/:organizationId', organizationDetailHandler)
  .post('/admin/organizations/:organizationId/active', organizationActiveHandler)
  .post('/admin/organizations/:organizationId/domains', organizationDomainsHandler)
  .get('/admin/audit', auditHandler)
  .get('/user/organizations/:organizationId/members', membersHandler)
  .post('/user/organizations/:organizationId/members/remove', removeMemberRoleHandler)
  // Datastore: CKAN actions (before any generic action route), exports, ingest status and operator re-ingest.
  .get('/api/3/action/datastore_search', datastoreSearch)
  .post('/api/3/action/datastore_search', datastoreSearch)
  .get('/api/action/datastore_search', datastoreSearch)
  .post('/api/action/datastore_search', datastoreSearch)
  .get('/api/3/action/datastore_info', datastoreInfo)
  .post('/api/3/action/datastore_info', datastoreInfo)
  .get('/api/action/datastore_info', datastoreInfo)
  .post('/api/action/datastore_info', datastoreInfo)
  .get('/api/3/action/datastore_search_sql', datastoreSearchSql)
  .post('/api/3/action/datastore_search_sql', datastoreSearchSql)
  .get('/api/action/datastore_search_sql', datastoreSearchSql)
  .post('/api/action/datastore_search_sql', datastoreSearchSql)
  .get('/api/datastore/:resourceId/status', datastoreStatusHandler)
  .post('/api/internal/datastore/:resourceId/ingest', reingestHandler)
  .get('/api/datastore/:resourceId/:file', exportHandler)
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
    await handleIngestMessages(batch.messages, env);
  },
} satisfies ExportedHandler<Env, JobMessage>;
