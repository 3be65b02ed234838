// API tokens of the signed-in user: created with a name, a scope and an optional expiry, shown once (only the hash
// is kept), listed with their last use, and revoked.
import type { IRequest } from 'itty-router';
import { apiTokenInput } from '../../domain/account-forms';
import type { Env } from '../../env';
import { LOCALES, t } from '../../i18n';
import { csrfField, selectField, textField, type FieldErrors } from '../../render/forms';
import { html } from '../../render/html';
import { listApiTokens, newApiToken, revokeApiTokenStatement, type ApiTokenRow } from '../../store/api-tokens';
import { auditStatement } from '../../store/audit';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, redirect, requireUser, type SignedIn } from '../pages';
import { formErrors, notice, settingsNav, summary } from './common';

// Expiry is the end of the chosen day in UTC: shown as that day.
const dateFormat = new Intl.DateTimeFormat(LOCALES[LANG], { dateStyle: 'medium', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat(LOCALES[LANG], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' });

function tokenState(token: ApiTokenRow, now: Date): string {
  if (token.revoked_at) return t(LANG, 'tokens.state.revoked');
  if (token.expires_at && new Date(token.expires_at) <= now) return t(LANG, 'tokens.state.expired');
  return t(LANG, 'tokens.state.active');
}

interface TokensState {
  values?: Record<string, string>;
  errors?: FieldErrors;
  general?: string;
  notice?: string;
  created?: { name: string; secret: string };
  status?: number;
}

async function tokensPage(request: Request, env: Env, actor: SignedIn, state: TokensState): Promise<Response> {
  const token = await csrfToken(request, env);
  const tokens = await listApiTokens(env.DB, actor.id);
  const now = new Date();
  const v = state.values ?? {};
  const errors = state.errors ?? {};
  const body = html`<div class="form-wide">
<h1>${t(LANG, 'tokens.title')}</h1>
${settingsNav('/user/tokens')}
${notice(state.notice)}
${state.created ? html`<div class="success" role="status">
  <p>${t(LANG, 'tokens.created', { name: state.created.name })}</p>
  <p><label for="new-token">${t(LANG, 'tokens.value')}</label></p>
  <p><input id="new-token" class="token-value" readonly value="${state.created.secret}" size="40" data-new-token></p>
  <p>${t(LANG, 'tokens.usage')}</p>
</div>` : ''}
<p>${t(LANG, 'tokens.intro')}</p>
<h2>${t(LANG, 'tokens.list')}</h2>
${tokens.length === 0 ? html`<p>${t(LANG, 'tokens.none')}</p>` : html`<table class="data-table">
  <thead><tr>
    <th scope="col">${t(LANG, 'tokens.name')}</th><th scope="col">${t(LANG, 'tokens.scope')}</th><th scope="col">${t(LANG, 'tokens.createdAt')}</th>
    <th scope="col">${t(LANG, 'tokens.lastUsed')}</th><th scope="col">${t(LANG, 'tokens.expiresAt')}</th><th scope="col">${t(LANG, 'tokens.state')}</th>
    <th scope="col"><span class="sr-only">${t(LANG, 'tokens.actions')}</span></th>
  </tr></thead>
  <tbody>${tokens.map((row) => html`<tr>
    <td>${row.name}</td>
    <td>${t(LANG, row.scope === 'read' ? 'tokens.scope.read' : 'tokens.scope.readWrite')}</td>
    <td>${dateTimeFormat.format(new Date(row.created_at))}</td>
    <td>${row.last_used_at ? dateTimeFormat.format(new Date(row.last_used_at)) : t(LANG, 'tokens.never')}</td>
    <td>${row.expires_at ? dateFormat.format(new Date(row.expires_at)) : t(LANG, 'tokens.noExpiry')}</td>
    <td>${tokenState(row, now)}</td>
    <td>${row.revoked_at ? '' : html`<form method="post" action="/user/tokens/${row.id}/revoke" class="inline-form">
      ${csrfField(token)}<button type="submit" class="link-button" aria-label="${t(LANG, 'tokens.revokeNamed', { name: row.name })}">${t(LANG, 'tokens.revoke')}</button>
    </form>`}</td>
  </tr>`)}</tbody>
</table>`}
<h2>${t(LANG, 'tokens.new')}</h2>
${summary(errors, state.general)}
<form method="post" action="/user/tokens" novalidate class="form">
  ${csrfField(token)}
  ${textField({ lang: LANG, name: 'name', label: t(LANG, 'tokens.name'), value: v.name, required: true, hint: t(LANG, 'tokens.nameHint'), error: errors.name })}
  ${selectField({ lang: LANG, name: 'scope', label: t(LANG, 'tokens.scope'), value: v.scope ?? 'read', required: true, error: errors.scope,
    choices: [{ value: 'read', label: t(LANG, 'tokens.scope.read') }, { value: 'read_write', label: t(LANG, 'tokens.scope.readWrite') }] })}
  ${textField({ lang: LANG, name: 'expires_on', label: t(LANG, 'tokens.expiresOn'), type: 'date', value: v.expires_on, hint: t(LANG, 'tokens.expiresOnHint'), error: errors.expires_on })}
  <div class="form-actions"><button type="submit" class="button">${t(LANG, 'tokens.submit')}</button></div>
</form>
</div>`;
  return pageResponse(request, env, { title: t(LANG, 'tokens.title'), body, status: state.status });
}

export async function tokensPageHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  return tokensPage(request, env, actor, { notice: request.query.revoked !== undefined ? t(LANG, 'tokens.revoked') : undefined });
}

/** The token is in this response only: reloading the list never shows it again. */
export async function createTokenHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  const values = formValues(form);
  if (!csrfValid(request, form)) return tokensPage(request, env, actor, { values, general: t(LANG, 'auth.csrf'), status: 403 });
  const { input, problems } = apiTokenInput(values);
  if (Object.keys(problems).length > 0) return tokensPage(request, env, actor, { values, errors: formErrors(problems), status: 400 });
  const created = newApiToken(env.DB, actor.id, input);
  await env.DB.batch([
    created.statement,
    auditStatement(env.DB, actor, 'api_token.created', { type: 'api_token', id: created.id }, { name: input.name, scope: input.scope, expiresAt: input.expiresAt }),
  ]);
  return tokensPage(request, env, actor, { created: { name: input.name, secret: created.secret } });
}

export async function revokeTokenHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  if (!csrfValid(request, form)) return tokensPage(request, env, actor, { general: t(LANG, 'auth.csrf'), status: 403 });
  const tokenId = request.params.id ?? '';
  const own = await env.DB.prepare('SELECT 1 FROM api_tokens WHERE id = ? AND user_id = ? AND revoked_at IS NULL').bind(tokenId, actor.id).first();
  if (!own) return tokensPage(request, env, actor, { general: t(LANG, 'tokens.unknown'), status: 404 });
  await env.DB.batch([
    revokeApiTokenStatement(env.DB, actor.id, tokenId),
    auditStatement(env.DB, actor, 'api_token.revoked', { type: 'api_token', id: tokenId }),
  ]);
  return redirect(request, env, '/user/tokens?revoked');
}
