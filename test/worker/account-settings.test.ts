import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../worker/src/domain/password-hash';
import { hashSecret } from '../../worker/src/store/sessions';
import { createUser, PASSWORD, postForm, setCookies, signedInCookie } from './accounts-fixtures';
import { count, getPage, insertOrganization, mailedToken, outbox, pageText } from './account-helpers';

const NEW_PASSWORD = 'un tout nouveau mot de passe';
const sessionId = (cookie: string) => hashSecret(/__Host-session=([^;]+)/.exec(cookie)![1]!);
const sessionExists = async (cookie: string) => (await count('SELECT 1 FROM sessions WHERE id = ?', sessionId(cookie))) === 1;
const user = (id: string) => env.DB.prepare('SELECT * FROM users WHERE id = ?').bind(id)
  .first<{ first_name: string; last_name: string; phone: string | null; email: string; password_hash: string }>();
const CROSS_SITE = { origin: 'https://evil.example' };

describe('account settings pages', () => {
  it('send a visitor who is not signed in to the sign-in page, coming back after', async () => {
    for (const path of ['/user/profile', '/user/email', '/user/password', '/user/tokens', '/user/delete', '/user/terms']) {
      const response = await getPage(path);
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location')).toBe(`/user/login?next=${encodeURIComponent(path)}`);
    }
  });
});

describe('profile', () => {
  it('edits the names and the phone', async () => {
    const u = await createUser({ username: 'theo' });
    const cookie = await signedInCookie(u.id);
    expect(await pageText(await getPage('/user/profile', cookie))).toContain("Nom d'utilisateur : theo");
    const saved = await postForm('/user/profile', { first_name: 'Théo', last_name: 'Durand', phone: '+33 4 67 00 00 00' }, cookie);
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/user/profile?saved');
    expect(await user(u.id)).toMatchObject({ first_name: 'Théo', last_name: 'Durand', phone: '+33 4 67 00 00 00' });
    expect(await pageText(await getPage('/user/profile?saved', cookie))).toContain('Votre profil est enregistré.');
  });

  it('refuses an empty name and a malformed phone, changing nothing', async () => {
    const u = await createUser({ username: 'ulysse' });
    const cookie = await signedInCookie(u.id);
    const response = await postForm('/user/profile', { first_name: '', last_name: 'Durand', phone: 'appelez-moi' }, cookie);
    expect(response.status).toBe(400);
    const page = await pageText(response);
    expect(page).toContain('Ce champ est obligatoire.');
    expect(page).toContain("Ce numéro de téléphone n'est pas valide.");
    expect(await user(u.id)).toMatchObject({ first_name: 'Prénom', last_name: 'Nom', phone: null });
  });

  it('refuses a cross-site edit', async () => {
    const u = await createUser({ username: 'vera' });
    const response = await postForm('/user/profile', { first_name: 'X', last_name: 'Y' }, await signedInCookie(u.id), CROSS_SITE);
    expect(response.status).toBe(403);
    expect(await user(u.id)).toMatchObject({ first_name: 'Prénom' });
  });
});

describe('change of password', () => {
  it('needs the current password, signs the other devices out, rotates this session and tells the user by mail', async () => {
    const u = await createUser({ username: 'william' });
    const here = await signedInCookie(u.id);
    const elsewhere = await signedInCookie(u.id);
    const wrong = await postForm('/user/password', { current_password: 'pas le bon mot de passe', password: NEW_PASSWORD }, here);
    expect(wrong.status).toBe(400);
    expect(await pageText(wrong)).toContain('Le mot de passe actuel est incorrect.');
    expect(await verifyPassword(PASSWORD, (await user(u.id))!.password_hash)).toBe(true);

    const changed = await postForm('/user/password', { current_password: PASSWORD, password: NEW_PASSWORD }, here);
    expect(changed.status).toBe(303);
    expect(await verifyPassword(NEW_PASSWORD, (await user(u.id))!.password_hash)).toBe(true);
    expect(await sessionExists(here)).toBe(false);
    expect(await sessionExists(elsewhere)).toBe(false);
    const rotated = setCookies(changed).get('__Host-session')!;
    expect(await count('SELECT 1 FROM sessions WHERE id = ?', hashSecret(rotated))).toBe(1);
    expect((await outbox(u.email)).map((m) => m.template)).toEqual(['password_changed']);
  });

  it('refuses a weak new password and a cross-site change', async () => {
    const u = await createUser({ username: 'xavier' });
    const cookie = await signedInCookie(u.id);
    const weak = await postForm('/user/password', { current_password: PASSWORD, password: 'xavier123456789' }, cookie);
    expect(weak.status).toBe(400);
    expect(await pageText(weak)).toContain("ne doit pas contenir votre nom d'utilisateur");
    expect((await postForm('/user/password', { current_password: PASSWORD, password: NEW_PASSWORD }, cookie, CROSS_SITE)).status).toBe(403);
    expect(await verifyPassword(PASSWORD, (await user(u.id))!.password_hash)).toBe(true);
    expect(await sessionExists(cookie)).toBe(true);
  });
});

describe('change of e-mail', () => {
  it('keeps the old address until the new one is confirmed, telling the old address at both steps', async () => {
    const u = await createUser({ username: 'yasmine', email: 'yasmine@ancienne.fr' });
    const cookie = await signedInCookie(u.id);
    const asked = await postForm('/user/email', { email: 'Yasmine@Nouvelle.fr', current_password: PASSWORD }, cookie);
    expect(asked.status).toBe(200);
    expect(await pageText(asked)).toContain('votre compte garde l\'adresse yasmine@ancienne.fr');
    expect((await user(u.id))!.email).toBe('yasmine@ancienne.fr');
    expect((await outbox('yasmine@ancienne.fr')).map((m) => m.template)).toEqual(['email_change_requested']);
    expect((await outbox('yasmine@nouvelle.fr')).map((m) => m.template)).toEqual(['confirm_email_change']);
    expect((await postForm('/user/login', { identifier: 'yasmine@ancienne.fr', password: PASSWORD })).status).toBe(303);

    const secret = await mailedToken('yasmine@nouvelle.fr', '/user/email/confirm');
    expect(await pageText(await getPage(`/user/email/confirm?token=${secret}`))).toContain('Confirmez yasmine@nouvelle.fr');
    const done = await postForm('/user/email/confirm', { token: secret });
    expect(done.status).toBe(200);
    expect((await user(u.id))!.email).toBe('yasmine@nouvelle.fr');
    expect((await outbox('yasmine@ancienne.fr')).map((m) => m.template)).toEqual(['email_change_requested', 'email_changed']);
    expect((await postForm('/user/email/confirm', { token: secret })).status).toBe(410);
  });

  it('refuses an address already used by another account, the same address, a malformed one and a wrong password', async () => {
    const u = await createUser({ username: 'zoe' });
    await createUser({ username: 'autre', email: 'prise@example.org' });
    const cookie = await signedInCookie(u.id);
    const cases: Array<[Record<string, string>, string]> = [
      [{ email: 'PRISE@example.org', current_password: PASSWORD }, 'Un compte existe déjà avec cette adresse e-mail'],
      [{ email: 'zoe@example.org', current_password: PASSWORD }, "C'est déjà l'adresse de votre compte."],
      [{ email: 'zoe@', current_password: PASSWORD }, "Cette adresse e-mail n'est pas valide."],
      [{ email: 'zoe@ailleurs.fr', current_password: 'pas le bon mot de passe' }, 'Le mot de passe actuel est incorrect.'],
    ];
    for (const [fields, message] of cases) {
      const response = await postForm('/user/email', fields, cookie);
      expect(response.status, message).toBe(400);
      expect(await pageText(response)).toContain(message);
    }
    expect((await postForm('/user/email', { email: 'zoe@ailleurs.fr', current_password: PASSWORD }, cookie, CROSS_SITE)).status).toBe(403);
    expect(await outbox()).toHaveLength(0);
    expect(await count("SELECT 1 FROM account_tokens WHERE purpose = 'change_email'")).toBe(0);
  });

  it('refuses the link once someone else has taken the address meanwhile', async () => {
    const u = await createUser({ username: 'agathe' });
    await postForm('/user/email', { email: 'convoitee@example.org', current_password: PASSWORD }, await signedInCookie(u.id));
    const secret = await mailedToken('convoitee@example.org', '/user/email/confirm');
    await createUser({ username: 'rapide', email: 'convoitee@example.org' });
    const response = await postForm('/user/email/confirm', { token: secret });
    expect(response.status).toBe(409);
    expect((await user(u.id))!.email).toBe('agathe@example.org');
  });
});

describe('account deletion', () => {
  it('needs the password, keeps the datasets with their organisation, mails account_deleted and audits', async () => {
    const org = await insertOrganization({ legalName: 'Commune de Test' });
    const u = await createUser({ username: 'basile', memberships: [{ organizationId: org, role: 'contributor' }] });
    const now = new Date().toISOString();
    await env.DB.prepare(
      `INSERT INTO datasets (id, slug, title, organization_id, creator_user_id, licence_id, date_created, date_modified, date_published, published, created_at, updated_at)
       VALUES ('ds-1', 'jeu-de-basile', 'Jeu de Basile', ?, ?, 'lov2', ?, ?, ?, 1, ?, ?)`,
    ).bind(org, u.id, now, now, now, now, now).run();
    const cookie = await signedInCookie(u.id);

    const wrong = await postForm('/user/delete', { current_password: 'pas le bon mot de passe' }, cookie);
    expect(wrong.status).toBe(400);
    expect(await count('SELECT 1 FROM users WHERE id = ?', u.id)).toBe(1);
    expect((await postForm('/user/delete', { current_password: PASSWORD }, cookie, CROSS_SITE)).status).toBe(403);
    expect(await count('SELECT 1 FROM users WHERE id = ?', u.id)).toBe(1);

    const deleted = await postForm('/user/delete', { current_password: PASSWORD }, cookie);
    expect(deleted.status).toBe(200);
    expect(await pageText(deleted)).toContain('Votre compte a été supprimé.');
    expect(setCookies(deleted).get('__Host-session')).toBe('');
    expect(await count('SELECT 1 FROM users WHERE id = ?', u.id)).toBe(0);
    expect(await count('SELECT 1 FROM sessions WHERE user_id = ?', u.id)).toBe(0);
    expect(await count('SELECT 1 FROM memberships WHERE user_id = ?', u.id)).toBe(0);
    const dataset = await env.DB.prepare("SELECT organization_id, creator_user_id FROM datasets WHERE id = 'ds-1'").first();
    expect(dataset).toEqual({ organization_id: org, creator_user_id: null });
    expect((await outbox(u.email)).map((m) => m.template)).toEqual(['account_deleted']);
    expect(await count("SELECT 1 FROM audit_log WHERE action = 'account.deleted' AND object_id = ?", u.id)).toBe(1);
  });

  it('takes along the organisation whose creation the user was still asking for', async () => {
    const u = await createUser({ username: 'celeste' });
    const org = await insertOrganization({ legalName: 'Association en attente', active: false });
    await env.DB.prepare("INSERT INTO role_requests (id, user_id, organization_id, kind, created_at) VALUES ('r1', ?, ?, 'organization', ?)")
      .bind(u.id, org, new Date().toISOString()).run();
    await postForm('/user/delete', { current_password: PASSWORD }, await signedInCookie(u.id));
    expect(await count('SELECT 1 FROM organizations WHERE id = ?', org)).toBe(0);
  });
});

describe('terms re-acceptance', () => {
  it('sends a user to the new conditions before any account page, then back where they were going', async () => {
    const u = await createUser({ username: 'denis' });
    const cookie = await signedInCookie(u.id);
    await env.DB.prepare("INSERT INTO terms_versions (version, published_at, summary) VALUES ('2099-01', '2099-01-01T00:00:00Z', 'Nouvelle règle sur les jetons.')").run();
    try {
      const blocked = await getPage('/user/tokens', cookie);
      expect(blocked.status).toBe(303);
      expect(blocked.headers.get('location')).toBe('/user/terms?next=%2Fuser%2Ftokens');
      const page = await pageText(await getPage('/user/terms?next=%2Fuser%2Ftokens', cookie));
      expect(page).toContain('version 2099-01');
      expect(page).toContain('Nouvelle règle sur les jetons.');
      expect((await getPage('/user/delete', cookie)).status).toBe(200);

      const unticked = await postForm('/user/terms', { terms_version: '2099-01', next: '/user/tokens' }, cookie);
      expect(unticked.status).toBe(400);
      const stale = await postForm('/user/terms', { terms: 'on', terms_version: '2026-01', next: '/user/tokens' }, cookie);
      expect(stale.status).toBe(409);
      expect((await postForm('/user/terms', { terms: 'on', terms_version: '2099-01', next: '/user/tokens' }, cookie, CROSS_SITE)).status).toBe(403);

      const accepted = await postForm('/user/terms', { terms: 'on', terms_version: '2099-01', next: '/user/tokens' }, cookie);
      expect(accepted.status).toBe(303);
      expect(accepted.headers.get('location')).toBe('/user/tokens');
      expect((await getPage('/user/tokens', cookie)).status).toBe(200);
      expect(await count("SELECT 1 FROM users WHERE id = ? AND terms_version = '2099-01'", u.id)).toBe(1);
    } finally {
      await env.DB.prepare("DELETE FROM terms_versions WHERE version = '2099-01'").run();
    }
  });

  it('does not follow a next path to another site', async () => {
    const u = await createUser({ username: 'elise' });
    const response = await postForm('/user/terms', { terms: 'on', terms_version: '2026-01', next: '//evil.example/' }, await signedInCookie(u.id));
    expect(response.headers.get('location')).toBe('/user');
  });
});
