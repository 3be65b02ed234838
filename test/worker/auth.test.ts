import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../worker/src/store/sessions';
import { anonymousCookie, createUser, ORIGIN, PASSWORD, postForm, setCookies, signedInCookie } from './accounts-fixtures';

const sessionCount = async (userId: string) =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?').bind(userId).first<{ n: number }>())!.n;

describe('sign-in and sessions', () => {
  it('signs in with the username or the e-mail, stores only the hash of the session token, and follows next', async () => {
    const user = await createUser({ username: 'camille' });
    const response = await postForm('/user/login', { identifier: 'Camille@Example.org', password: PASSWORD, next: '/user/tokens' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/user/tokens');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('__Host-session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const token = setCookies(response).get('__Host-session')!;
    const stored = await env.DB.prepare('SELECT id FROM sessions WHERE user_id = ?').bind(user.id).first<{ id: string }>();
    expect(stored!.id).toBe(hashSecret(token));
    expect(stored!.id).not.toBe(token);
  });

  it('refuses a wrong password and an unknown account with the same message', async () => {
    await createUser({ username: 'dominique' });
    const wrong = await postForm('/user/login', { identifier: 'dominique', password: 'pas le bon mot de passe' });
    const unknown = await postForm('/user/login', { identifier: 'personne', password: PASSWORD });
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    const message = 'Nom d&#39;utilisateur, adresse e-mail ou mot de passe incorrect.';
    expect(await wrong.text()).toContain(message);
    expect(await unknown.text()).toContain(message);
    expect(wrong.headers.getSetCookie().some((c) => c.includes('session='))).toBe(false);
  });

  it('does not sign in an account whose e-mail is not confirmed', async () => {
    const user = await createUser({ username: 'eden', confirmed: false });
    const response = await postForm('/user/login', { identifier: 'eden', password: PASSWORD });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('pas encore confirmée');
    expect(await sessionCount(user.id)).toBe(0);
  });

  it('rotates the session at sign-in: a session planted before is dropped', async () => {
    const user = await createUser({ username: 'frederique' });
    const planted = await signedInCookie(user.id);
    const response = await postForm('/user/login', { identifier: 'frederique', password: PASSWORD }, planted);
    expect(response.status).toBe(303);
    const plantedToken = /__Host-session=([^;]+)/.exec(planted)![1]!;
    const old = await env.DB.prepare('SELECT id FROM sessions WHERE id = ?').bind(hashSecret(plantedToken)).first();
    expect(old).toBeNull();
    expect(await sessionCount(user.id)).toBe(1);
  });

  it('refuses a cross-site POST and a POST without the CSRF token, and signs nobody in', async () => {
    const user = await createUser({ username: 'gael' });
    const crossSite = await postForm('/user/login', { identifier: 'gael', password: PASSWORD }, anonymousCookie, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain('ne vient pas de ce site');
    const noToken = await SELF.fetch(`${ORIGIN}/user/login`, {
      method: 'POST', redirect: 'manual',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ identifier: 'gael', password: PASSWORD }),
    });
    expect(noToken.status).toBe(403);
    expect(await sessionCount(user.id)).toBe(0);
  });

  it('limits attempts per account: the eleventh within a quarter of an hour is refused even with the right password', async () => {
    const user = await createUser({ username: 'hugo' });
    for (let i = 0; i < 10; i++) {
      expect((await postForm('/user/login', { identifier: 'hugo', password: `mauvais essai ${i} de trop` })).status).toBe(400);
    }
    const blocked = await postForm('/user/login', { identifier: 'hugo', password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain('Trop de tentatives');
    expect(await sessionCount(user.id)).toBe(0);
  });

  it('signs out: the session is deleted and the cookies cleared', async () => {
    const user = await createUser({ username: 'ines' });
    const cookie = await signedInCookie(user.id);
    const response = await postForm('/user/logout', {}, cookie);
    expect(response.status).toBe(303);
    expect(await sessionCount(user.id)).toBe(0);
    expect(setCookies(response).get('__Host-session')).toBe('');
  });

  it('extends a session used in the second half of its life and expires an old one', async () => {
    const user = await createUser({ username: 'jade' });
    const cookie = await signedInCookie(user.id);
    const id = hashSecret(/__Host-session=([^;]+)/.exec(cookie)![1]!);
    const soon = new Date(Date.now() + 2 * 86_400_000).toISOString();
    await env.DB.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?').bind(soon, id).run();
    const page = await SELF.fetch(`${ORIGIN}/user/login`, { headers: { cookie }, redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.getSetCookie().some((c) => c.startsWith('__Host-session=') && /Max-Age=2592000/.test(c))).toBe(true);
    const extended = await env.DB.prepare('SELECT expires_at FROM sessions WHERE id = ?').bind(id).first<{ expires_at: string }>();
    expect(new Date(extended!.expires_at).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    await env.DB.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?').bind(new Date(Date.now() - 1000).toISOString(), id).run();
    const expired = await SELF.fetch(`${ORIGIN}/user/login`, { headers: { cookie }, redirect: 'manual' });
    expect(expired.status).toBe(200);
    expect(await sessionCount(user.id)).toBe(0);
  });

  it('refuses an unknown API token instead of treating the request as anonymous, except on the CKAN API as CKAN does', async () => {
    const other = await SELF.fetch(`${ORIGIN}/api/health`, { headers: { 'x-ckan-api-key': 'not-a-valid-token' } });
    expect(other.status).toBe(401);
    expect(await other.json()).toMatchObject({ error: { message: "Jeton d'API inconnu, révoqué ou expiré." } });
    const ckan = await SELF.fetch(`${ORIGIN}/api/3/action/status_show`, { headers: { authorization: 'not-a-valid-token' } });
    expect(ckan.status).toBe(200);
  });
});
