// Worker entry: the edge API. Static pages never come here (see wrangler.toml run_worker_first).
import { Router, type IRequest } from 'itty-router';
import type { Env } from './env';
import type { JobMessage } from './store/queue';
import { downloadHandler, publicImageHandler } from './http/downloads/download';
import { importHandler, snapshotHandler, statusHandler } from './http/operator/catalogue';
import { json, problem } from './http/respond';
import { pendingCookies, requestContext } from './http/actor';
import { loginFormHandler, loginHandler, logoutHandler } from './http/account/login';
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
  async scheduled(_controller, env) {
    await purge(env);
  },
} satisfies ExportedHandler<Env, JobMessage>;
