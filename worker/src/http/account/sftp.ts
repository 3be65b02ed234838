// "Dépôt sFTP" (/user/sftp): how to connect to the SFTP server, the SSH public keys that may sign in instead of
// the password, and the files deposited in the user's home, each of which can be deleted here.
import type { IRequest } from 'itty-router';
import { DEFAULT_SFTP_PORT, KEY_NAME_MAX_LENGTH, keyNameProblem, maxFileBytes, parsePublicKeyLine, RSA_MIN_BITS, strictHomePath } from '../../domain/sftp';
import type { Env } from '../../env';
import { t, type MessageKey } from '../../i18n';
import { formatDate } from '../../render/dates';
import { csrfField, errorSummary, textField, type FieldErrors } from '../../render/forms';
import { html } from '../../render/html';
import { depositKey, listDepositedFiles } from '../../store/sftp-files';
import { addSftpKey, deleteSftpKey, listSftpKeys } from '../../store/sftp-keys';
import { findUserById } from '../../store/users';
import { formatBytes } from '../../../../site/lib/format';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, redirect, requireUser, type SignedIn } from '../pages';

const PAGE = '/user/sftp';

interface PageState {
  notice?: string;
  error?: string;
  errors?: FieldErrors;
  keyName?: string;
  publicKey?: string;
  status?: number;
}

function sftpAddress(env: Env): { host: string; port: string } {
  return {
    host: env.SFTP_HOST?.trim() || new URL(env.PORTAL_PUBLIC_URL).hostname,
    port: env.SFTP_PORT?.trim() || String(DEFAULT_SFTP_PORT),
  };
}

async function sftpPage(request: Request, env: Env, actor: SignedIn, state: PageState = {}): Promise<Response> {
  const [user, keys, files, token] = await Promise.all([
    findUserById(env.DB, actor.id), listSftpKeys(env.DB, actor.id), listDepositedFiles(env.FILES, actor.id), csrfToken(request, env),
  ]);
  const { host, port } = sftpAddress(env);
  const errors = state.errors ?? {};
  const body = html`<h1>${t(LANG, 'sftp.page.title')}</h1>
<p class="lead">${t(LANG, 'sftp.page.intro')}</p>
${state.notice ? html`<p class="success" role="status">${state.notice}</p>` : ''}
${errorSummary(LANG, errors, state.error)}
<section aria-labelledby="connection-title">
<h2 id="connection-title">${t(LANG, 'sftp.connection.title')}</h2>
<dl class="facts">
  <dt>${t(LANG, 'sftp.connection.protocol')}</dt><dd>${t(LANG, 'sftp.connection.protocolValue')}</dd>
  <dt>${t(LANG, 'sftp.connection.host')}</dt><dd><code data-sftp-host>${host}</code></dd>
  <dt>${t(LANG, 'sftp.connection.port')}</dt><dd><code data-sftp-port>${port}</code></dd>
  <dt>${t(LANG, 'sftp.connection.username')}</dt><dd><code>${user!.username}</code></dd>
  <dt>${t(LANG, 'sftp.connection.password')}</dt><dd>${t(LANG, 'sftp.connection.passwordValue')}</dd>
  <dt>${t(LANG, 'sftp.connection.folder')}</dt><dd>${t(LANG, 'sftp.connection.folderValue')}</dd>
  <dt>${t(LANG, 'sftp.connection.limit')}</dt><dd>${formatBytes(LANG, maxFileBytes(env.SFTP_MAX_FILE_BYTES))}</dd>
</dl>
<p><a href="/page/aide-sftp">${t(LANG, 'sftp.connection.help')}</a></p>
</section>
<section aria-labelledby="files-title">
<h2 id="files-title">${t(LANG, 'sftp.files.title')}</h2>
${files.length === 0 ? html`<p>${t(LANG, 'sftp.files.none')}</p>` : html`<table class="data-table" data-sftp-files>
<thead><tr><th scope="col">${t(LANG, 'sftp.files.name')}</th><th scope="col">${t(LANG, 'sftp.files.size')}</th><th scope="col">${t(LANG, 'sftp.files.date')}</th><th scope="col">${t(LANG, 'sftp.files.actions')}</th></tr></thead>
<tbody>${files.map((f) => html`<tr><td><code>${f.path}</code></td><td>${formatBytes(LANG, f.size)}</td><td>${formatDate(LANG, f.uploaded.toISOString())}</td>
<td><form method="post" action="${PAGE}/files/delete">${csrfField(token)}<input type="hidden" name="path" value="${f.path}">
<button type="submit" class="button button-secondary" aria-label="${t(LANG, 'sftp.files.deleteLabel', { name: f.path })}">${t(LANG, 'sftp.files.delete')}</button></form></td></tr>`)}</tbody>
</table>`}
</section>
<section aria-labelledby="keys-title">
<h2 id="keys-title">${t(LANG, 'sftp.keys.title')}</h2>
<p>${t(LANG, 'sftp.keys.intro')}</p>
${keys.length === 0 ? html`<p>${t(LANG, 'sftp.keys.none')}</p>` : html`<table class="data-table" data-sftp-keys>
<thead><tr><th scope="col">${t(LANG, 'sftp.keys.name')}</th><th scope="col">${t(LANG, 'sftp.keys.type')}</th><th scope="col">${t(LANG, 'sftp.keys.fingerprint')}</th><th scope="col">${t(LANG, 'sftp.keys.created')}</th><th scope="col">${t(LANG, 'sftp.keys.actions')}</th></tr></thead>
<tbody>${keys.map((k) => html`<tr><td>${k.name}</td><td>${k.key_type}</td><td><code>${k.fingerprint}</code></td><td>${formatDate(LANG, k.created_at)}</td>
<td><form method="post" action="${PAGE}/keys/delete">${csrfField(token)}<input type="hidden" name="keyId" value="${k.id}">
<button type="submit" class="button button-secondary" aria-label="${t(LANG, 'sftp.keys.deleteLabel', { name: k.name })}">${t(LANG, 'sftp.keys.delete')}</button></form></td></tr>`)}</tbody>
</table>`}
<form method="post" action="${PAGE}/keys" novalidate class="form">
<h3>${t(LANG, 'sftp.keys.addTitle')}</h3>
${csrfField(token)}
${textField({ lang: LANG, name: 'name', label: t(LANG, 'sftp.keys.nameLabel'), hint: t(LANG, 'sftp.keys.nameHint'), value: state.keyName, error: errors.name, required: true })}
${textField({ lang: LANG, name: 'publicKey', label: t(LANG, 'sftp.keys.keyLabel'), hint: t(LANG, 'sftp.keys.keyHint'), value: state.publicKey, error: errors.publicKey, required: true, multiline: true, attributes: html`spellcheck="false"` })}
<div class="form-actions"><button type="submit" class="button">${t(LANG, 'sftp.keys.submit')}</button></div>
</form>
</section>`;
  return pageResponse(request, env, { title: t(LANG, 'sftp.page.title'), body, status: state.status });
}

const NOTICES: Record<string, MessageKey> = { 'key-added': 'sftp.keys.added', 'key-deleted': 'sftp.keys.deleted', 'file-deleted': 'sftp.files.deleted' };

export async function sftpPageHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const notice = NOTICES[String(request.query.done ?? '')];
  const name = typeof request.query.name === 'string' ? request.query.name : '';
  return sftpPage(request, env, actor, { notice: notice && t(LANG, notice, { name }) });
}

/** Signed in and the form comes from this site; otherwise the response to send instead. */
async function formRequest(request: IRequest, env: Env): Promise<{ actor: SignedIn; values: Record<string, string> } | Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  if (!csrfValid(request, form)) return sftpPage(request, env, actor, { error: t(LANG, 'auth.csrf'), status: 403 });
  return { actor, values: formValues(form) };
}

const done = (what: string, name = '') => `${PAGE}?done=${what}${name ? `&name=${encodeURIComponent(name)}` : ''}`;

export async function addSftpKeyHandler(request: IRequest, env: Env): Promise<Response> {
  const submitted = await formRequest(request, env);
  if (submitted instanceof Response) return submitted;
  const { actor, values } = submitted;
  const name = (values.name ?? '').trim();
  const line = values.publicKey ?? '';
  const errors: FieldErrors = {};
  const nameProblem = keyNameProblem(name);
  if (nameProblem) errors.name = t(LANG, nameProblem, { max: KEY_NAME_MAX_LENGTH });
  const parsed = parsePublicKeyLine(line);
  if ('problem' in parsed) errors.publicKey = t(LANG, parsed.problem, { min: String(RSA_MIN_BITS) });
  const state = { keyName: name, publicKey: line, status: 400 };
  if (Object.keys(errors).length > 0 || !('key' in parsed)) return sftpPage(request, env, actor, { ...state, errors });
  if (!(await addSftpKey(env.DB, actor.id, name, parsed.key))) {
    return sftpPage(request, env, actor, { ...state, errors: { publicKey: t(LANG, 'sftp.keys.duplicate') }, status: 409 });
  }
  return redirect(request, env, done('key-added', name));
}

export async function deleteSftpKeyHandler(request: IRequest, env: Env): Promise<Response> {
  const submitted = await formRequest(request, env);
  if (submitted instanceof Response) return submitted;
  const { actor, values } = submitted;
  if (!(await deleteSftpKey(env.DB, actor.id, values.keyId ?? ''))) {
    return sftpPage(request, env, actor, { error: t(LANG, 'sftp.keys.notFound'), status: 404 });
  }
  return redirect(request, env, done('key-deleted'));
}

export async function deleteDepositedFileHandler(request: IRequest, env: Env): Promise<Response> {
  const submitted = await formRequest(request, env);
  if (submitted instanceof Response) return submitted;
  const { actor, values } = submitted;
  const path = strictHomePath(values.path ?? '');
  const key = path === null ? null : depositKey(actor.id, path);
  if (!key) return sftpPage(request, env, actor, { error: t(LANG, 'sftp.path.outsideHome'), status: 400 });
  if (!(await env.FILES.head(key))) return sftpPage(request, env, actor, { error: t(LANG, 'sftp.files.notFound'), status: 404 });
  await env.FILES.delete(key);
  return redirect(request, env, done('file-deleted', path!));
}
