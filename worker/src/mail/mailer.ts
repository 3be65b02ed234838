// The one way the portal sends mail: every message is written to the outbox (D1) and then handed to the
// transport chosen by MAIL_TRANSPORT. Templates (worker/src/mail/templates/) build the Mail values; nothing else
// formats mail. A failed delivery is recorded on its outbox row and never fails the action that sent it.
import { EmailMessage } from 'cloudflare:email';
import type { Env } from '../env';
import { t } from '../i18n';
import { buildMime } from './mime';

export interface Mail {
  /** Template name, e.g. 'confirm_account_creation' (IDGO's names where one exists). */
  template: string;
  to: string;
  subject: string;
  text: string;
}

type Transport = 'outbox' | 'cloudflare' | 'http';

/** Locally nothing leaves the machine: mails stay in the outbox, readable in the dev mailbox. */
function transport(env: Env): Transport {
  return env.MAIL_TRANSPORT === 'cloudflare' || env.MAIL_TRANSPORT === 'http' ? env.MAIL_TRANSPORT : 'outbox';
}

export async function sendMails(env: Env, mails: readonly Mail[]): Promise<void> {
  if (mails.length === 0) return;
  const via = transport(env);
  const now = new Date();
  const rows = mails.map((mail) => ({ id: crypto.randomUUID(), mail }));
  await env.DB.batch(rows.map(({ id, mail }) => env.DB.prepare(
    'INSERT INTO mail_outbox (id, template, to_address, subject, body_text, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).bind(id, mail.template, mail.to, mail.subject, mail.text, via === 'outbox' ? 'kept_local' : 'pending', now.toISOString())));
  if (via === 'outbox') return;

  const results = await Promise.allSettled(rows.map(({ id, mail }) => deliver(env, via, id, mail, now)));
  const sentAt = new Date().toISOString();
  await env.DB.batch(results.map((result, i) => result.status === 'fulfilled'
    ? env.DB.prepare("UPDATE mail_outbox SET status = 'sent', sent_at = ?, error = NULL WHERE id = ?").bind(sentAt, rows[i]!.id)
    : env.DB.prepare("UPDATE mail_outbox SET status = 'failed', error = ? WHERE id = ?")
      .bind(String(result.reason instanceof Error ? result.reason.message : result.reason).slice(0, 1000), rows[i]!.id)));
}

function sender(env: Env): { name: string; address: string } {
  const address = env.MAIL_FROM?.trim();
  if (!address) throw new Error('MAIL_FROM is not set');
  return { name: env.PORTAL_NAME?.trim() || t('fr', 'site.name'), address };
}

async function deliver(env: Env, via: Exclude<Transport, 'outbox'>, id: string, mail: Mail, date: Date): Promise<void> {
  const from = sender(env);
  if (via === 'cloudflare') {
    if (!env.MAILER) throw new Error('MAIL_TRANSPORT is cloudflare but the MAILER send_email binding is missing');
    const raw = buildMime({ from, to: mail.to, subject: mail.subject, text: mail.text, messageId: id, date });
    await env.MAILER.send(new EmailMessage(from.address, mail.to, raw));
    return;
  }
  if (!env.MAIL_API_URL) throw new Error('MAIL_TRANSPORT is http but MAIL_API_URL is not set');
  const response = await fetch(env.MAIL_API_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(env.MAIL_API_TOKEN ? { authorization: `Bearer ${env.MAIL_API_TOKEN}` } : {}),
    },
    body: JSON.stringify({ id, template: mail.template, from, to: mail.to, subject: mail.subject, text: mail.text }),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`mail API answered HTTP ${response.status}`);
}
