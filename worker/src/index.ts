// Worker entry: the edge API. Static pages never come here (see wrangler.toml run_worker_first).
import { Router, type IRequest } from 'itty-router';
import type { Env } from './env';
import { handlingBatch, type JobMessage } from './store/queue';
import { downloadHandler, publicImageHandler } from './http/downloads/download';
import { importHandler, jobsHandler, recoverJobsHandler, snapshotHandler, statusHandler } from './http/operator/catalogue';
import { ckanActionHandler, ckanVersionHandler } from './http/ckan/actions';
import { dcatCatalogHandler, dcatDatasetHandler } from './http/dcat/catalog';
import { json, problem } from './http/respond';
import { pendingCookies, requestContext } from './http/actor';
import { loginFormHandler, loginHandler, logoutHandler } from './http/account/login';
import { accountHomeHandler } from './http/account/home';
import { createOrganizationHandler, dropRoleHandler, joinOrganizationHandler, myOrganizationsHandler } from './http/roles/my-organizations';
import { decideHandler, validationQueueHandler } from './http/roles/validation';
import { createDatasetHandler, editDatasetFormHandler, newDatasetFormHandler, updateDatasetHandler } from './http/publish/datasets';
import { deleteDatasetFormHandler, deleteDatasetHandler } from './http/publish/dataset-delete';
import { dashboardHandler as datasetsDashboardHandler, keywordsHandler } from './http/publish/dataset-dashboard';
import {
  sftpAuthHandler, sftpListHandler, sftpMakeDirectoryHandler, sftpReadHandler, sftpRemoveDirectoryHandler, sftpRemoveHandler,
  sftpRenameHandler, sftpStatHandler, sftpWriteHandler,
} from './http/sftp/internal';
import { addSftpKeyHandler, deleteDepositedFileHandler, deleteSftpKeyHandler, sftpPageHandler } from './http/account/sftp';
import { confirmFormHandler, confirmHandler, resendFormHandler, resendHandler } from './http/account/confirm';
import { deleteFormHandler, deleteHandler } from './http/account/delete';
import { emailConfirmFormHandler, emailConfirmHandler, emailFormHandler, emailHandler } from './http/account/email';
import { meHandler } from './http/account/me';
import { passwordFormHandler, passwordHandler } from './http/account/password';
import { profileFormHandler, profileHandler } from './http/account/profile';
import { registerFormHandler, registerHandler } from './http/account/register';
import { newPasswordFormHandler, newPasswordHandler, resetFormHandler, resetHandler } from './http/account/reset';
import { termsFormHandler, termsHandler } from './http/account/terms';
import { createTokenHandler, revokeTokenHandler, tokensPageHandler } from './http/account/tokens';
import { mailboxHandler, mailHandler } from './http/dev/mailbox';
import { purge } from './jobs/purge';
import { handleRebuildMessages } from './jobs/rebuild';
import { handleIngestMessages } from './jobs/ingest';
import { handleFollowNotifications, hourlyFollowNotifications } from './jobs/participation-notify';
import { handleVectorIngestMessages } from './jobs/vector-ingest';
import { editResourceFormHandler, newResourceFormHandler, submitResourceHandler } from './http/publish/resource-form';
import { completeUploadHandler, createUploadHandler, uploadPartHandler } from './http/publish/resource-upload';
import {
  deleteFormHandler as deleteResourceFormHandler, deleteHandler as deleteResourceHandler, restoreVersionHandler, syncsHandler, versionsHandler,
} from './http/publish/resource-pages';
import { purgeAbandonedUploads, runDueSyncs } from './jobs/sync';
import { t } from './i18n';
import { dashboardHandler as adminDashboardHandler } from './http/admin/dashboard';
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
import { deleteViewHandler, saveViewHandler, viewHandler } from './http/datastore/views';
import { resourcePageHandler } from './http/datastore/resource-page';
import { progressPageHandler } from './http/datastore/progress-page';
import {
  accessRequestHandler, accessRequestsHandler, createAccessRequestHandler, decideAccessRequestHandler, newAccessRequestHandler,
} from './http/participation/access';
import {
  createSubscriptionHandler, followStateHandler, followToggleHandler, newSubscriptionHandler, subscriptionsHandler, unsubscribeFormHandler,
  unsubscribeHandler, updateSubscriptionHandler,
} from './http/participation/follow';
import { contactFormHandler, contactHandler } from './http/participation/contact';
import {
  adminShowcasePublishedHandler, adminShowcasesHandler, createShowcaseHandler, editShowcaseFormHandler, editShowcaseHandler, myShowcasesHandler,
  newShowcaseHandler,
} from './http/participation/showcases';
import { createReportHandler, moderateHandler, newReportHandler, reportsQueueHandler } from './http/participation/reports';
import {
  createDataRequestHandler, dataRequestFormHandler, dataRequestsInboxHandler, updateDataRequestHandler,
} from './http/participation/data-requests';
import { embedDatasetHandler } from './http/participation/embed';
import { ogcServiceHandler } from './http/ogc/service';
import { styleExportHandler, styleFormHandler, styleImportHandler, stylePreviewHandler, styleSubmitHandler } from './http/publish/style-pages';
import { archiveHandler, tileHandler } from './http/ogc/tiles';

type Args = [Env, ExecutionContext];

const router = Router<IRequest, Args>()
  .get('/api/health', () => json({ ok: true }))
  .post('/api/internal/catalogue/import', importHandler)
  .get('/api/internal/catalogue/snapshot', snapshotHandler)
  .get('/api/internal/catalogue/status', statusHandler)
  .get('/api/internal/jobs', jobsHandler)
  .post('/api/internal/jobs/recover', recoverJobsHandler)
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
  .get('/admin', adminDashboardHandler)
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
  .get('/api/datastore/:resourceId/view', viewHandler)
  .post('/api/datastore/:resourceId/view', saveViewHandler)
  .post('/api/datastore/:resourceId/view/delete', deleteViewHandler)
  .get('/api/datastore/:resourceId/:file', exportHandler)
  .get('/dataset/:datasetId/resource/:resourceId', resourcePageHandler)
  .get('/user/datasets/:datasetId/resources/:resourceId/datastore', progressPageHandler)
  // Interoperability: CKAN Action API (read side) and the DCAT-AP catalogue.
  .all('/api/3/action/:name', ckanActionHandler)
  .all('/api/action/:name', ckanActionHandler)
  .get('/api/3', ckanVersionHandler)
  .get('/api', ckanVersionHandler)
  .get('/catalog.:format', dcatCatalogHandler)
  .get('/dataset/:file', dcatDatasetHandler)
  // Publishing, step 1: datasets (dashboard, form, deletion) and the form's keyword suggestions.
  .get('/user/datasets', datasetsDashboardHandler)
  .get('/user/datasets/new', newDatasetFormHandler)
  .post('/user/datasets/new', createDatasetHandler)
  .get('/user/datasets/:datasetId/edit', editDatasetFormHandler)
  .post('/user/datasets/:datasetId/edit', updateDatasetHandler)
  .get('/user/datasets/:datasetId/delete', deleteDatasetFormHandler)
  .post('/user/datasets/:datasetId/delete', deleteDatasetHandler)
  .get('/api/keywords', keywordsHandler)
  // SFTP deposit: the SFTP server's internal endpoints (operator token) and the /user/sftp page.
  .post('/api/internal/sftp/auth', sftpAuthHandler)
  .get('/api/internal/sftp/homes/:userId/stat', sftpStatHandler)
  .get('/api/internal/sftp/homes/:userId/entries', sftpListHandler)
  .get('/api/internal/sftp/homes/:userId/file', sftpReadHandler)
  .put('/api/internal/sftp/homes/:userId/file', sftpWriteHandler)
  .delete('/api/internal/sftp/homes/:userId/file', sftpRemoveHandler)
  .post('/api/internal/sftp/homes/:userId/directory', sftpMakeDirectoryHandler)
  .delete('/api/internal/sftp/homes/:userId/directory', sftpRemoveDirectoryHandler)
  .post('/api/internal/sftp/homes/:userId/rename', sftpRenameHandler)
  .get('/user/sftp', sftpPageHandler)
  .post('/user/sftp/keys', addSftpKeyHandler)
  .post('/user/sftp/keys/delete', deleteSftpKeyHandler)
  .post('/user/sftp/files/delete', deleteDepositedFileHandler)
  // Account flows: sign-up and confirmation, reset, settings, API tokens, the dev mailbox.
  .get('/user/register', registerFormHandler)
  .post('/user/register', registerHandler)
  .get('/user/confirm', confirmFormHandler)
  .post('/user/confirm', confirmHandler)
  .get('/user/confirm/resend', resendFormHandler)
  .post('/user/confirm/resend', resendHandler)
  .get('/user/reset', resetFormHandler)
  .post('/user/reset', resetHandler)
  .get('/user/reset/new', newPasswordFormHandler)
  .post('/user/reset/new', newPasswordHandler)
  .get('/user/terms', termsFormHandler)
  .post('/user/terms', termsHandler)
  .get('/user/profile', profileFormHandler)
  .post('/user/profile', profileHandler)
  .get('/user/password', passwordFormHandler)
  .post('/user/password', passwordHandler)
  .get('/user/email', emailFormHandler)
  .post('/user/email', emailHandler)
  .get('/user/email/confirm', emailConfirmFormHandler)
  .post('/user/email/confirm', emailConfirmHandler)
  .get('/user/delete', deleteFormHandler)
  .post('/user/delete', deleteHandler)
  .get('/user/tokens', tokensPageHandler)
  .post('/user/tokens', createTokenHandler)
  .post('/user/tokens/:id/revoke', revokeTokenHandler)
  .get('/api/me', meHandler)
  .get('/dev/mailbox', mailboxHandler)
  .get('/dev/mailbox/:id', mailHandler)
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
  .get('/user/datasets/:datasetId/resources/:resourceId/delete', deleteResourceFormHandler)
  .post('/user/datasets/:datasetId/resources/:resourceId/delete', deleteResourceHandler)
  .get('/user/syncs', syncsHandler)
  // Participation (issue 5): access requests.
  .get('/user/access-requests', accessRequestsHandler)
  .get('/user/access-requests/new', newAccessRequestHandler)
  .post('/user/access-requests/new', createAccessRequestHandler)
  .get('/user/access-requests/:requestId', accessRequestHandler)
  .post('/user/access-requests/:requestId', decideAccessRequestHandler)
  // Participation: subscriptions (the static pages' toggle, the pages, the unsubscribe link of every mail).
  .get('/api/participation/follow', followStateHandler)
  .post('/api/participation/follow', followToggleHandler)
  .get('/user/subscriptions', subscriptionsHandler)
  .post('/user/subscriptions', createSubscriptionHandler)
  .get('/user/subscriptions/new', newSubscriptionHandler)
  .get('/user/subscriptions/unsubscribe', unsubscribeFormHandler)
  .post('/user/subscriptions/unsubscribe', unsubscribeHandler)
  .post('/user/subscriptions/:subscriptionId', updateSubscriptionHandler)
  .get('/user/contact/:datasetId', contactFormHandler)
  .post('/user/contact/:datasetId', contactHandler)
  .get('/user/showcases', myShowcasesHandler)
  .get('/user/showcases/new', newShowcaseHandler)
  .post('/user/showcases/new', createShowcaseHandler)
  .get('/user/showcases/:showcaseId/edit', editShowcaseFormHandler)
  .post('/user/showcases/:showcaseId/edit', editShowcaseHandler)
  .get('/admin/showcases', adminShowcasesHandler)
  .post('/admin/showcases/:showcaseId/published', adminShowcasePublishedHandler)
  .get('/user/reports/new', newReportHandler)
  .post('/user/reports/new', createReportHandler)
  .get('/admin/reports', reportsQueueHandler)
  .post('/admin/reports/:reportId', moderateHandler)
  .get('/user/data-requests/new', dataRequestFormHandler)
  .post('/user/data-requests/new', createDataRequestHandler)
  .get('/admin/data-requests', dataRequestsInboxHandler)
  .post('/admin/data-requests/:requestId', updateDataRequestHandler)
  .get('/embed/dataset/:slug', embedDatasetHandler)
  // Style of a geographic layer: editor, live preview, SLD import and export.
  .get('/user/datasets/:datasetId/resources/:resourceId/style', styleFormHandler)
  .post('/user/datasets/:datasetId/resources/:resourceId/style', styleSubmitHandler)
  .post('/user/datasets/:datasetId/resources/:resourceId/style/preview', stylePreviewHandler)
  .post('/user/datasets/:datasetId/resources/:resourceId/style/import', styleImportHandler)
  .get('/user/datasets/:datasetId/resources/:resourceId/style/export', styleExportHandler)
  // OGC services of an organisation (WMS and WFS on one URL, as on OPenIG).
  .get('/maps/:org', ogcServiceHandler)
  .post('/maps/:org', ogcServiceHandler)
  .get('/tiles/:layer/:z/:x/:y', tileHandler)
  .get('/tiles/:file', archiveHandler)
  .all('*', () => problem(404, t('fr', 'api.unknownPath')));

// A presented API token that is unknown, revoked or expired is refused rather than treated as anonymous, so a
// client notices at once — except on the CKAN Action API, where CKAN treats it as anonymous (ckan-compat §2.2) and
// harvesters holding a stale key keep reading public data; writes there are then refused by can().
// OGC services and tiles answer wrong Basic credentials themselves, with an OGC report and a Basic challenge.
const CKAN_ACTION_PATH = /^\/api\/(3\/)?action\//;
const OGC_PATH = /^\/(maps|tiles)\//;

function refusesInvalidToken(request: Request): boolean {
  const path = new URL(request.url).pathname;
  return !CKAN_ACTION_PATH.test(path) && !OGC_PATH.test(path);
}

const PURGE_CRON = '7 * * * *';

export default {
  async fetch(request, env, ctx) {
    let response: Response;
    try {
      const context = await requestContext(request, env, ctx);
      response = context.invalidToken && refusesInvalidToken(request)
        ? problem(401, t('fr', 'api.invalidToken'))
        : await router.fetch(request, env, ctx);
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
    await handlingBatch(env.DB, batch.messages, async () => {
      await handleRebuildMessages(batch.messages, env);
      await handleIngestMessages(batch.messages, env);
      await handleFollowNotifications(batch.messages, env);
      await handleVectorIngestMessages(batch.messages, env);
    });
  },
  // Two hourly triggers (wrangler.toml): the account clean-up at :07; on the hour, synchronised resources whose
  // Paris-time slot has come, then abandoned uploads, then followers' notifications (and the daily digest at its hour).
  async scheduled(controller, env, ctx) {
    if (controller.cron === PURGE_CRON) {
      await purge(env);
      return;
    }
    const now = new Date(controller.scheduledTime);
    ctx.waitUntil(runDueSyncs(env, now).then(() => purgeAbandonedUploads(env, now)).then(() => hourlyFollowNotifications(env, now)));
  },
} satisfies ExportedHandler<Env, JobMessage>;
