import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../worker/src/store/sessions';
import { createUser, ORIGIN, postForm, signedInCookie } from './accounts-fixtures';
import { count, getPage, insertOrganization, pageText } from './account-helpers';

const me = (headers: Record<string, string>) => SELF.fetch(`${ORIGIN}/api/me`, { headers });

async function createToken(cookie: string, fields: Record<string, string>): Promise<string> {
  const response = await postForm('/user/tokens', fields, cookie);
  expect(response.status).toBe(200);
  const page = await response.text();
  const input = page.match(/<input[^>]*data-new-token[^>]*>/)![0];
  return /value="([a-z2-7]{32})"/.exec(input)![1]!;
}

describe('API tokens', () => {
  it('shows a new token once, stores only its hash, and lists it with its scope and expiry', async () => {
    const user = await createUser({ username: 'gaspard' });
    const cookie = await signedInCookie(user.id);
    const secret = await createToken(cookie, { name: 'Moissonnage QGIS', scope: 'read', expires_on: '2099-12-31' });
    const stored = await env.DB.prepare('SELECT * FROM api_tokens WHERE user_id = ?').bind(user.id)
      .first<{ token_hash: string; scope: string; expires_at: string; name: string }>();
    expect(stored).toMatchObject({ token_hash: hashSecret(secret), scope: 'read', expires_at: '2099-12-31T23:59:59.999Z', name: 'Moissonnage QGIS' });
    const list = await pageText(await getPage('/user/tokens', cookie));
    expect(list).toContain('Moissonnage QGIS');
    expect(list).toContain('Lecture seule');
    expect(list).toContain('31 déc. 2099');
    expect(list).not.toContain(secret);
    expect(await count("SELECT 1 FROM audit_log WHERE action = 'api_token.created'")).toBe(1);
  });

  it('is accepted raw in Authorization, as Bearer and in X-CKAN-API-Key, and /api/me tells who it is', async () => {
    const org = await insertOrganization({ legalName: 'Commune de Test' });
    const user = await createUser({ username: 'honorine', memberships: [{ organizationId: org, role: 'contributor' }] });
    const secret = await createToken(await signedInCookie(user.id), { name: 'script', scope: 'read_write' });
    for (const headers of <Array<Record<string, string>>>[{ authorization: secret }, { authorization: `Bearer ${secret}` }, { 'x-ckan-api-key': secret }]) {
      const response = await me(headers);
      expect(response.status, JSON.stringify(headers)).toBe(200);
      expect(await response.json()).toEqual({
        id: user.id, username: 'honorine', firstName: 'Prénom', lastName: 'Nom', isAdmin: false, readOnly: false,
        memberships: [{ organizationId: org, organization: 'commune-de-test', organizationName: 'Commune de Test', role: 'contributor' }],
      });
    }
    await expect.poll(async () => (await env.DB.prepare('SELECT last_used_at FROM api_tokens WHERE user_id = ?').bind(user.id)
      .first<{ last_used_at: string | null }>())!.last_used_at).not.toBeNull();
    expect(await pageText(await getPage('/user/tokens', await signedInCookie(user.id)))).not.toContain('jamais');
  });

  it('a read-only token reads as a read-only actor and cannot change the account on its own', async () => {
    const user = await createUser({ username: 'igor' });
    const secret = await createToken(await signedInCookie(user.id), { name: 'lecture', scope: 'read' });
    expect(await (await me({ authorization: secret })).json()).toMatchObject({ username: 'igor', readOnly: true });
    const write = await SELF.fetch(`${ORIGIN}/user/tokens`, {
      method: 'POST', redirect: 'manual',
      headers: { authorization: secret, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'encore', scope: 'read_write' }),
    });
    expect(write.status).toBe(403);
    expect(await count('SELECT 1 FROM api_tokens WHERE user_id = ?', user.id)).toBe(1);
  });

  it('refuses a revoked token and an expired one on /api/me; the CKAN API reads them as anonymous (as CKAN does) and refuses writes', async () => {
    const user = await createUser({ username: 'jules' });
    const cookie = await signedInCookie(user.id);
    const revoked = await createToken(cookie, { name: 'à révoquer', scope: 'read' });
    const expired = await createToken(cookie, { name: 'expiré', scope: 'read' });
    const { id } = (await env.DB.prepare("SELECT id FROM api_tokens WHERE name = 'à révoquer'").first<{ id: string }>())!;
    const revocation = await postForm(`/user/tokens/${id}/revoke`, {}, cookie);
    expect(revocation.status).toBe(303);
    expect(await pageText(await getPage('/user/tokens?revoked', cookie))).toContain('révoqué');
    await env.DB.prepare("UPDATE api_tokens SET expires_at = ? WHERE name = 'expiré'").bind(new Date(Date.now() - 1000).toISOString()).run();
    for (const secret of [revoked, expired]) {
      const response = await me({ authorization: secret });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { message: "Jeton d'API inconnu, révoqué ou expiré." } });
      const read = await SELF.fetch(`${ORIGIN}/api/3/action/status_show`, { headers: { 'x-ckan-api-key': secret } });
      expect(read.status).toBe(200);
      const write = await SELF.fetch(`${ORIGIN}/api/3/action/package_create`, {
        method: 'POST', headers: { 'x-ckan-api-key': secret, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x' }),
      });
      expect(write.status).toBe(403);
      expect(await write.json()).toMatchObject({ success: false, error: { __type: 'Authorization Error' } });
    }
  });

  it('answers 401 on /api/me without credentials, and the signed-in user with a session', async () => {
    expect((await me({})).status).toBe(401);
    const user = await createUser({ username: 'karim', isAdmin: true });
    expect(await (await me({ cookie: await signedInCookie(user.id) })).json()).toMatchObject({ username: 'karim', isAdmin: true, readOnly: false });
  });

  it('refuses a token without a name, with an unknown scope or with a past or impossible expiry', async () => {
    const user = await createUser({ username: 'louise' });
    const cookie = await signedInCookie(user.id);
    const cases: Array<[Record<string, string>, string]> = [
      [{ name: '', scope: 'read' }, 'Ce champ est obligatoire.'],
      [{ name: 'x', scope: 'admin' }, 'Choisissez les droits du jeton.'],
      [{ name: 'x', scope: 'read', expires_on: '2020-01-01' }, "La date d'expiration doit être dans le futur."],
      [{ name: 'x', scope: 'read', expires_on: '2099-02-30' }, "Cette date n'est pas valide."],
    ];
    for (const [fields, message] of cases) {
      const response = await postForm('/user/tokens', fields, cookie);
      expect(response.status, message).toBe(400);
      expect(await pageText(response)).toContain(message);
    }
    expect(await count('SELECT 1 FROM api_tokens')).toBe(0);
  });

  it('does not revoke another user’s token, nor revoke cross-site', async () => {
    const owner = await createUser({ username: 'mathis' });
    const other = await createUser({ username: 'noemie' });
    await createToken(await signedInCookie(owner.id), { name: 'à moi', scope: 'read' });
    const { id } = (await env.DB.prepare('SELECT id FROM api_tokens').first<{ id: string }>())!;
    expect((await postForm(`/user/tokens/${id}/revoke`, {}, await signedInCookie(other.id))).status).toBe(404);
    expect((await postForm(`/user/tokens/${id}/revoke`, {}, await signedInCookie(owner.id), { origin: 'https://evil.example' })).status).toBe(403);
    expect((await postForm('/user/tokens', { name: 'y', scope: 'read' }, await signedInCookie(owner.id), { origin: 'https://evil.example' })).status).toBe(403);
    expect(await count('SELECT 1 FROM api_tokens WHERE revoked_at IS NULL')).toBe(1);
  });
});
