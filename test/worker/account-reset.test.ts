import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../worker/src/domain/password-hash';
import { anonymousCookie, createUser, PASSWORD, postForm, signedInCookie } from './accounts-fixtures';
import { count, getPage, mailedToken, outbox, pageText } from './account-helpers';

const NEW_PASSWORD = 'un tout nouveau mot de passe';
const sessions = (userId: string) => count('SELECT 1 FROM sessions WHERE user_id = ?', userId);
const passwordHash = async (userId: string) =>
  (await env.DB.prepare('SELECT password_hash FROM users WHERE id = ?').bind(userId).first<{ password_hash: string }>())!.password_hash;
const statusMessage = (page: string) => /<p class="success" role="status">([^<]*)<\/p>/.exec(page)?.[1];

describe('password reset', () => {
  it('answers the same for a known account, an unknown one and an e-mail address, and mails only the known account', async () => {
    const user = await createUser({ username: 'lea' });
    const byName = await postForm('/user/reset', { identifier: 'lea' });
    const unknown = await postForm('/user/reset', { identifier: 'personne' });
    const byEmail = await postForm('/user/reset', { identifier: 'lea@example.org' });
    expect([byName.status, unknown.status, byEmail.status]).toEqual([200, 200, 200]);
    const answers = await Promise.all([byName, unknown, byEmail].map(async (r) => statusMessage(await pageText(r))));
    expect(answers[0]).toContain('Si un compte correspond');
    expect(new Set(answers).size).toBe(1);
    expect((await outbox()).map((m) => [m.to_address, m.template])).toEqual([[user.email, 'reset_password'], [user.email, 'reset_password']]);
  });

  it('sets the new password with the link, once, and signs every device out', async () => {
    const user = await createUser({ username: 'marius' });
    await signedInCookie(user.id);
    await signedInCookie(user.id);
    await postForm('/user/reset', { identifier: 'marius' });
    const secret = await mailedToken(user.email, '/user/reset/new');
    const form = await getPage(`/user/reset/new?token=${secret}`);
    expect(form.status).toBe(200);
    expect(await pageText(form)).toContain('Choisir un nouveau mot de passe');

    const done = await postForm('/user/reset/new', { token: secret, password: NEW_PASSWORD });
    expect(done.status).toBe(200);
    expect(await pageText(done)).toContain('toutes vos sessions ont été fermées');
    expect(await verifyPassword(NEW_PASSWORD, await passwordHash(user.id))).toBe(true);
    expect(await sessions(user.id)).toBe(0);
    expect((await outbox(user.email)).map((m) => m.template)).toEqual(['reset_password', 'password_changed']);
    expect(await count("SELECT 1 FROM audit_log WHERE action = 'account.password_reset' AND object_id = ?", user.id)).toBe(1);

    const reused = await postForm('/user/reset/new', { token: secret, password: 'encore un autre mot de passe' });
    expect(reused.status).toBe(410);
    expect(await pageText(reused)).toContain('Ce lien a déjà été utilisé.');
    expect(await verifyPassword(NEW_PASSWORD, await passwordHash(user.id))).toBe(true);
    expect((await postForm('/user/login', { identifier: 'marius', password: NEW_PASSWORD })).status).toBe(303);
  });

  it('refuses a link older than an hour', async () => {
    const user = await createUser({ username: 'nadia' });
    await postForm('/user/reset', { identifier: 'nadia' });
    const secret = await mailedToken(user.email, '/user/reset/new');
    const token = await env.DB.prepare('SELECT created_at, expires_at FROM account_tokens WHERE user_id = ?').bind(user.id)
      .first<{ created_at: string; expires_at: string }>();
    expect(new Date(token!.expires_at).getTime() - new Date(token!.created_at).getTime()).toBe(3600_000);
    await env.DB.prepare('UPDATE account_tokens SET expires_at = ? WHERE user_id = ?').bind(new Date(Date.now() - 1).toISOString(), user.id).run();
    expect((await getPage(`/user/reset/new?token=${secret}`)).status).toBe(410);
    const response = await postForm('/user/reset/new', { token: secret, password: NEW_PASSWORD });
    expect(response.status).toBe(410);
    expect(await pageText(response)).toContain('Ce lien a expiré.');
    expect(await verifyPassword(PASSWORD, await passwordHash(user.id))).toBe(true);
  });

  it('keeps the link usable when the new password is refused', async () => {
    const user = await createUser({ username: 'oscar' });
    await postForm('/user/reset', { identifier: 'oscar' });
    const secret = await mailedToken(user.email, '/user/reset/new');
    const weak = await postForm('/user/reset/new', { token: secret, password: 'trop court' });
    expect(weak.status).toBe(400);
    expect(await pageText(weak)).toContain('Le mot de passe doit compter au moins 12 caractères.');
    expect((await postForm('/user/reset/new', { token: secret, password: NEW_PASSWORD })).status).toBe(200);
  });

  it('a newer link retires the older one', async () => {
    const user = await createUser({ username: 'paula' });
    await postForm('/user/reset', { identifier: 'paula' });
    const first = await mailedToken(user.email, '/user/reset/new');
    await postForm('/user/reset', { identifier: 'paula@example.org' });
    const second = await mailedToken(user.email, '/user/reset/new');
    expect((await postForm('/user/reset/new', { token: first, password: NEW_PASSWORD })).status).toBe(410);
    expect((await postForm('/user/reset/new', { token: second, password: NEW_PASSWORD })).status).toBe(200);
  });

  it('limits requests per account: the fourth within an hour is refused and sends nothing', async () => {
    const user = await createUser({ username: 'quentin' });
    for (let i = 0; i < 3; i++) expect((await postForm('/user/reset', { identifier: i === 1 ? 'quentin@example.org' : 'quentin' })).status).toBe(200);
    const blocked = await postForm('/user/reset', { identifier: 'quentin' });
    expect(blocked.status).toBe(429);
    expect(await pageText(blocked)).toContain('Trop de tentatives');
    expect(await outbox(user.email)).toHaveLength(3);
  });

  it('limits requests per IP whatever the accounts named', async () => {
    const ip = { 'cf-connecting-ip': '203.0.113.9' };
    for (let i = 0; i < 20; i++) expect((await postForm('/user/reset', { identifier: `inconnu-${i}` }, anonymousCookie, ip)).status).toBe(200);
    expect((await postForm('/user/reset', { identifier: 'inconnu-21' }, anonymousCookie, ip)).status).toBe(429);
    expect((await postForm('/user/reset', { identifier: 'inconnu-21' }, anonymousCookie, { 'cf-connecting-ip': '203.0.113.10' })).status).toBe(200);
  });

  it('sends the confirmation link again instead of a reset link to an unconfirmed account', async () => {
    const user = await createUser({ username: 'romy', confirmed: false });
    await postForm('/user/reset', { identifier: 'romy' });
    expect((await outbox(user.email)).map((m) => m.template)).toEqual(['confirm_account_creation']);
  });

  it('refuses reset forms posted cross-site', async () => {
    const user = await createUser({ username: 'sacha' });
    const cross = { origin: 'https://evil.example' };
    expect((await postForm('/user/reset', { identifier: 'sacha' }, anonymousCookie, cross)).status).toBe(403);
    expect(await outbox()).toHaveLength(0);
    await postForm('/user/reset', { identifier: 'sacha' });
    const secret = await mailedToken(user.email, '/user/reset/new');
    expect((await postForm('/user/reset/new', { token: secret, password: NEW_PASSWORD }, anonymousCookie, cross)).status).toBe(403);
    expect(await verifyPassword(PASSWORD, await passwordHash(user.id))).toBe(true);
  });
});
