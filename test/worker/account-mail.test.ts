import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { decodeBase64 } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/src/index';
import { sendMails, type Mail } from '../../worker/src/mail/mailer';
import { buildMime, encodeHeaderWord } from '../../worker/src/mail/mime';
import { ORIGIN } from './accounts-fixtures';
import { outbox } from './account-helpers';

const MAIL: Mail = {
  template: 'reset_password',
  to: 'camille@example.org',
  subject: 'Choisir un nouveau mot de passe — réinitialisation demandée à 14 h 05 pour le compte « camille »',
  text: 'Bonjour Camille,\n\nOuvrez ce lien :\nhttp://localhost:8787/user/reset/new?token=abc\n\nL’équipe',
};

const decodeWords = (header: string) => header.split(/\r\n /).map((w) => {
  const match = /^=\?UTF-8\?B\?([^?]+)\?=$/.exec(w.trim());
  return match ? new TextDecoder().decode(decodeBase64(match[1]!)) : w;
}).join('');

async function fetchWith(path: string, overrides: Partial<typeof env>): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`${ORIGIN}${path}`) as Parameters<typeof worker.fetch>[0], { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe('mail transports', () => {
  it('keeps mail in the outbox by default (kept_local)', async () => {
    await sendMails(env, [MAIL]);
    expect(await outbox()).toMatchObject([{ template: 'reset_password', to_address: MAIL.to, subject: MAIL.subject, status: 'kept_local' }]);
  });

  it('hands a MIME message to the send_email binding and records it sent', async () => {
    await sendMails({ ...env, MAIL_TRANSPORT: 'cloudflare', MAIL_FROM: 'portail@portail.test' }, [MAIL]);
    const [row] = await outbox();
    expect(row).toMatchObject({ status: 'sent', error: null });
  });

  it('records a failure, with its reason, when the transport cannot send', async () => {
    await sendMails({ ...env, MAIL_TRANSPORT: 'cloudflare', MAIL_FROM: 'portail@portail.test', MAILER: undefined }, [MAIL]);
    await sendMails({ ...env, MAIL_TRANSPORT: 'http', MAIL_FROM: 'portail@portail.test', MAIL_API_URL: 'http://127.0.0.1:9/mail' }, [MAIL]);
    const rows = await outbox();
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(rows[0]!.error).toContain('MAILER');
  });

  it('posts each mail as JSON to the HTTP mail API with its bearer token', async () => {
    const subject = `Essai ${crypto.randomUUID()}`;
    await sendMails({ ...env, MAIL_TRANSPORT: 'http', MAIL_FROM: 'portail@portail.test', MAIL_API_URL: `${env.HOOK_URL}/mail`, MAIL_API_TOKEN: 'mail-secret' },
      [{ ...MAIL, subject }]);
    expect((await outbox())[0]).toMatchObject({ status: 'sent' });
    const calls = await (await fetch(`${env.HOOK_URL}/calls`)).json<Array<{ authorization: string; body: Record<string, unknown> }>>();
    const call = calls.find((c) => c.body?.subject === subject)!;
    expect(call.authorization).toBe('Bearer mail-secret');
    expect(call.body).toMatchObject({ template: 'reset_password', to: MAIL.to, text: MAIL.text, from: { address: 'portail@portail.test', name: 'Portail des données ouvertes' } });
  });

  it('builds a MIME message whose headers and body decode back to the French text', () => {
    const raw = buildMime({ from: { name: 'Portail des données ouvertes', address: 'portail@portail.test' }, to: MAIL.to, subject: MAIL.subject, text: MAIL.text,
      messageId: 'm1', date: new Date('2026-03-01T10:00:00Z') });
    const [head, body] = raw.split('\r\n\r\n');
    const headers = head!.split(/\r\n(?! )/);
    expect(headers.every((h) => h.split('\r\n').every((line) => line.length <= 78))).toBe(true);
    expect(decodeWords(headers.find((h) => h.startsWith('Subject: '))!.slice(9))).toBe(MAIL.subject);
    expect(headers).toContain('Message-ID: <m1@portail.test>');
    expect(new TextDecoder().decode(decodeBase64(body!.replace(/\r\n/g, '')))).toBe(MAIL.text.replace(/\n/g, '\r\n'));
    expect(encodeHeaderWord('plain ascii')).toBe('plain ascii');
  });
});

describe('dev mailbox', () => {
  it('does not exist unless DEV_MAILBOX is on', async () => {
    await sendMails(env, [MAIL]);
    const [row] = await outbox();
    expect((await fetchWith('/dev/mailbox', {})).status).toBe(404);
    expect((await fetchWith(`/dev/mailbox/${row!.id}`, {})).status).toBe(404);
  });

  it('lists the mails and shows each with its links opening on the address browsed', async () => {
    await sendMails(env, [MAIL]);
    const [row] = await outbox();
    const list = await fetchWith('/dev/mailbox', { DEV_MAILBOX: 'on' });
    expect(list.status).toBe(200);
    const listed = await list.text();
    expect(listed).toContain(`href="/dev/mailbox/${row!.id}"`);
    expect(listed).toContain('camille@example.org');
    const page = await (await fetchWith(`/dev/mailbox/${row!.id}`, { DEV_MAILBOX: 'on', PORTAL_PUBLIC_URL: 'http://localhost:8787' })).text();
    expect(page).toContain(`<a href="${ORIGIN}/user/reset/new?token=abc">`);
    expect(page).toContain('Bonjour Camille');
  });
});
