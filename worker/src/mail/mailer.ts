// The one way the portal sends mail: every message is written to the outbox (D1) and then handed to the
// configured transport. Templates (worker/src/mail/templates/) build the Mail values; nothing else formats mail.
import type { Env } from '../env';

export interface Mail {
  /** Template name, e.g. 'confirm_account_creation' (IDGO's names where one exists). */
  template: string;
  to: string;
  subject: string;
  text: string;
}

export async function sendMails(env: Env, mails: readonly Mail[]): Promise<void> {
  if (mails.length === 0) return;
  const now = new Date().toISOString();
  const rows = mails.map((mail) => ({ id: crypto.randomUUID(), mail }));
  await env.DB.batch(rows.map(({ id, mail }) => env.DB.prepare(
    `INSERT INTO mail_outbox (id, template, to_address, subject, body_text, status, created_at) VALUES (?, ?, ?, ?, ?, 'kept_local', ?)`,
  ).bind(id, mail.template, mail.to, mail.subject, mail.text, now)));
}
