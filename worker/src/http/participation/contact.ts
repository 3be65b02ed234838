// Contact the producer (or the diffuseur) of a dataset: the portal relays the message by mail, so the sender never
// sees the recipient's address; open to visitors, hence the honeypot and the rate limits (per address and per
// sender); every message is logged (producer_messages, audit).
import type { IRequest } from 'itty-router';
import { checkText, filledHoneypot, HONEYPOT_FIELD } from '../../domain/participation-rules';
import { ANONYMOUS, can } from '../../domain/permissions';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { sendMails } from '../../mail/mailer';
import { producerMessageMail, producerMessageReceipt } from '../../mail/templates/participation';
import { csrfField, errorSummary, selectField, textField, type FieldErrors } from '../../render/forms';
import { html, type Html } from '../../render/html';
import { auditStatement } from '../../store/audit';
import { organizationReferentEmails } from '../../store/datasets';
import { hitRateLimits } from '../../store/rate-limit';
import { clientIp } from '../account/limits';
import { requestContext } from '../actor';
import { csrfToken, csrfValid } from '../csrf';
import { senderIdentity } from './sender';
import { formValues, LANG, pageResponse } from '../pages';

const LIMITS = { perIp: { limit: 5, windowSeconds: 3600 }, perSender: { limit: 10, windowSeconds: 86400 } };

type Recipient = 'owner' | 'broadcaster' | 'organization';

interface ContactDataset {
  id: string; slug: string; title: string; organization_id: string; published: number; legal_name: string;
  owner_name: string | null; owner_email: string | null; broadcaster_name: string | null; broadcaster_email: string | null; org_email: string | null;
}

async function findContactDataset(db: D1Database, id: string): Promise<ContactDataset | null> {
  const row = await db.prepare(
    `SELECT d.id, d.slug, d.title, d.organization_id, d.published, o.legal_name, d.owner_name, d.owner_email, d.broadcaster_name,
       d.broadcaster_email, o.email AS org_email
     FROM datasets d JOIN organizations o ON o.id = d.organization_id WHERE (d.id = ?1 OR d.slug = ?1) AND o.is_active = 1`,
  ).bind(id).first<ContactDataset>();
  // Only what the public sees can be written about.
  return row && can(ANONYMOUS, { action: 'dataset:view', dataset: { organizationId: row.organization_id, published: row.published === 1 } }) ? row : null;
}

/** Who may be written to, by name only: the addresses never reach the page. */
function recipients(d: ContactDataset): Array<{ value: Recipient; label: string }> {
  const list: Array<{ value: Recipient; label: string }> = [];
  if (d.owner_email) list.push({ value: 'owner', label: t(LANG, 'participation.contact.owner', { name: d.owner_name ?? d.legal_name }) });
  if (d.broadcaster_email) list.push({ value: 'broadcaster', label: t(LANG, 'participation.contact.broadcaster', { name: d.broadcaster_name ?? d.legal_name }) });
  if (list.length === 0) list.push({ value: 'organization', label: t(LANG, 'participation.contact.organization', { name: d.legal_name }) });
  return list;
}

async function addressesOf(db: D1Database, d: ContactDataset, recipient: Recipient): Promise<string[]> {
  if (recipient === 'owner' && d.owner_email) return [d.owner_email];
  if (recipient === 'broadcaster' && d.broadcaster_email) return [d.broadcaster_email];
  return d.org_email ? [d.org_email] : organizationReferentEmails(db, d.organization_id);
}

interface State { values?: Record<string, string>; errors?: FieldErrors; general?: string; status?: number; sent?: boolean }

async function contactPage(request: Request, env: Env, d: ContactDataset, state: State = {}): Promise<Response> {
  const { actor } = await requestContext(request, env);
  const title = t(LANG, 'participation.contact.title', { dataset: d.title });
  const values = state.values ?? {};
  const choices = recipients(d);
  let form: Html | '' = '';
  if (!state.sent) {
    form = html`<form method="post" action="/user/contact/${d.id}" class="form" novalidate>${csrfField(await csrfToken(request, env))}
${choices.length > 1 ? selectField({ lang: LANG, name: 'recipient', label: t(LANG, 'participation.contact.recipient'), value: values.recipient, choices, required: true }) : html`<input type="hidden" name="recipient" value="${choices[0]!.value}"><p>${t(LANG, 'participation.contact.to', { name: choices[0]!.label })}</p>`}
${actor.kind === 'user' ? '' : html`${textField({ lang: LANG, name: 'name', label: t(LANG, 'participation.contact.name'), value: values.name, error: state.errors?.name, required: true, autocomplete: 'name' })}
${textField({ lang: LANG, name: 'email', type: 'email', label: t(LANG, 'participation.contact.email'), hint: t(LANG, 'participation.contact.emailHint'), value: values.email, error: state.errors?.email, required: true, autocomplete: 'email' })}`}
${textField({ lang: LANG, name: 'message', label: t(LANG, 'participation.contact.message'), value: values.message, error: state.errors?.message, required: true, multiline: true })}
<div class="honeypot" aria-hidden="true"><label for="field-${HONEYPOT_FIELD}">${t(LANG, 'participation.honeypot')}</label><input type="text" id="field-${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
<div class="form-actions"><button type="submit" class="button">${t(LANG, 'participation.contact.submit')}</button>
<a href="/dataset/${d.slug}">${t(LANG, 'participation.cancel')}</a></div>
</form>`;
  }
  const body = html`<h1>${title}</h1>
${state.sent ? html`<p class="success" role="status">${t(LANG, 'participation.contact.sent')}</p><p><a href="/dataset/${d.slug}">${t(LANG, 'participation.backToDataset')}</a></p>` : html`<p>${t(LANG, 'participation.contact.intro')}</p>`}
${errorSummary(LANG, state.errors ?? {}, state.general)}
${form}`;
  return pageResponse(request, env, { title, body, status: state.status });
}

async function notFound(request: Request, env: Env): Promise<Response> {
  return pageResponse(request, env, { title: t(LANG, 'participation.access.notFound'), status: 404, body: html`<h1>${t(LANG, 'participation.access.notFound')}</h1>` });
}

export async function contactFormHandler(request: IRequest, env: Env): Promise<Response> {
  const d = await findContactDataset(env.DB, request.params.datasetId!);
  if (!d) return notFound(request, env);
  return contactPage(request, env, d);
}

export async function contactHandler(request: IRequest, env: Env): Promise<Response> {
  const d = await findContactDataset(env.DB, request.params.datasetId!);
  if (!d) return notFound(request, env);
  const form = await request.formData();
  const values = formValues(form);
  if (!csrfValid(request, form)) return contactPage(request, env, d, { values, general: t(LANG, 'auth.csrf'), status: 403 });
  const { actor } = await requestContext(request, env);
  // A robot filled the invisible field: it learns nothing, the form just says no.
  if (filledHoneypot(values)) return contactPage(request, env, d, { values, general: t(LANG, 'participation.error.spam'), status: 400 });
  const errors: FieldErrors = {};
  const { name, email } = await senderIdentity(env, actor, values, errors);
  const message = checkText(values.message, 'message');
  if ('error' in message) errors.message = t(LANG, message.error);
  const recipient = recipients(d).find((r) => r.value === values.recipient)?.value;
  if (!recipient) errors.recipient = t(LANG, 'participation.contact.error.recipient');
  if (Object.keys(errors).length > 0 || !recipient || 'error' in message) return contactPage(request, env, d, { values, errors, status: 400 });
  const limit = await hitRateLimits(env.DB, [
    { key: `contact:ip:${clientIp(request)}`, limit: LIMITS.perIp },
    { key: `contact:sender:${email.toLowerCase()}`, limit: LIMITS.perSender },
  ]);
  if (!limit.allowed) {
    return contactPage(request, env, d, { values, general: t(LANG, 'participation.error.rateLimited', { minutes: Math.ceil(limit.retryAfterSeconds / 60) }), status: 429 });
  }
  const id = crypto.randomUUID();
  await env.DB.batch([
    env.DB.prepare('INSERT INTO producer_messages (id, dataset_id, sender_user_id, sender_name, sender_email, recipient, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .bind(id, d.id, actor.kind === 'user' ? actor.id : null, name, email, recipient, message.value, new Date().toISOString()),
    auditStatement(env.DB, actor, 'producer.contact', { type: 'dataset', id: d.id }, { messageId: id, recipient }),
  ]);
  const to = await addressesOf(env.DB, d, recipient);
  await sendMails(env, [
    ...to.map((address) => producerMessageMail(env, address, { datasetTitle: d.title, datasetSlug: d.slug, senderName: name, senderEmail: email, body: message.value })),
    producerMessageReceipt(email, d.title, message.value),
  ]);
  return contactPage(request, env, d, { sent: true });
}
