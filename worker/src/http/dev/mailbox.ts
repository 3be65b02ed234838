// The local dev mailbox: the outbox as a list of mails with clickable links, so a person can finish a sign-up or a
// reset by hand under `npm start`. Served only when DEV_MAILBOX is 'on'; everywhere else the path does not exist.
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { LOCALES, t } from '../../i18n';
import { html, type Html, type Part } from '../../render/html';
import { LANG, pageResponse } from '../pages';
import { problem } from '../respond';

interface OutboxRow {
  id: string;
  template: string;
  to_address: string;
  subject: string;
  body_text: string;
  status: string;
  error: string | null;
  created_at: string;
}

const dateTime = new Intl.DateTimeFormat(LOCALES[LANG], { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Paris' });
const enabled = (env: Env) => env.DEV_MAILBOX === 'on';
const notFound = () => problem(404, t(LANG, 'api.unknownPath'));

/**
 * Links in mails point at PORTAL_PUBLIC_URL; here they open on the address the mailbox is browsed at, so the
 * cookies of that address apply (localhost and 127.0.0.1 are different sites to a browser).
 */
function linkify(text: string, env: Env, origin: string): Part[] {
  const publicOrigin = new URL(env.PORTAL_PUBLIC_URL).origin;
  return text.split(/(https?:\/\/[^\s<>"]+)/).map((part, i): Part => {
    if (i % 2 === 0) return part;
    const href = part.startsWith(publicOrigin) ? origin + part.slice(publicOrigin.length) : part;
    return html`<a href="${href}">${href}</a>`;
  });
}

export async function mailboxHandler(request: IRequest, env: Env): Promise<Response> {
  if (!enabled(env)) return notFound();
  const mails = await env.DB.prepare('SELECT * FROM mail_outbox ORDER BY created_at DESC, rowid DESC LIMIT 200').all<OutboxRow>();
  const body = html`<h1>${t(LANG, 'mailbox.title')}</h1>
<p>${t(LANG, 'mailbox.intro')}</p>
${mails.results.length === 0 ? html`<p>${t(LANG, 'mailbox.empty')}</p>` : html`<table class="data-table">
  <thead><tr><th scope="col">${t(LANG, 'mailbox.date')}</th><th scope="col">${t(LANG, 'mailbox.to')}</th><th scope="col">${t(LANG, 'mailbox.subject')}</th><th scope="col">${t(LANG, 'mailbox.template')}</th></tr></thead>
  <tbody>${mails.results.map((m) => html`<tr>
    <td>${dateTime.format(new Date(m.created_at))}</td><td>${m.to_address}</td>
    <td><a href="/dev/mailbox/${m.id}">${m.subject}</a></td><td><code>${m.template}</code></td>
  </tr>`)}</tbody>
</table>`}`;
  return pageResponse(request, env, { title: t(LANG, 'mailbox.title'), body });
}

export async function mailHandler(request: IRequest, env: Env): Promise<Response> {
  if (!enabled(env)) return notFound();
  const mail = await env.DB.prepare('SELECT * FROM mail_outbox WHERE id = ?').bind(request.params.id ?? '').first<OutboxRow>();
  if (!mail) return notFound();
  const origin = new URL(request.url).origin;
  const row = (label: string, value: Part): Html => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
  const body = html`<p><a href="/dev/mailbox">${t(LANG, 'mailbox.back')}</a></p>
<h1>${mail.subject}</h1>
<table class="data-table">
  ${row(t(LANG, 'mailbox.to'), mail.to_address)}
  ${row(t(LANG, 'mailbox.date'), dateTime.format(new Date(mail.created_at)))}
  ${row(t(LANG, 'mailbox.template'), html`<code>${mail.template}</code>`)}
  ${row(t(LANG, 'mailbox.status'), mail.error ? `${mail.status} (${mail.error})` : mail.status)}
</table>
<pre class="mail-body" style="white-space: pre-wrap; overflow-wrap: anywhere" data-mail-body>${linkify(mail.body_text, env, origin)}</pre>`;
  return pageResponse(request, env, { title: mail.subject, body });
}
