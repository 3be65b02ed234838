// The Worker side of the SFTP server: sign-in with portal credentials and the home operations in R2, called
// with the operator token as scripts/sftp does.
import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/src/index';
import { parsePublicKeyLine } from '../../worker/src/domain/sftp';
import { addSftpKey } from '../../worker/src/store/sftp-keys';
import { listDepositedFiles } from '../../worker/src/store/sftp-files';
import { createUser, ORIGIN, PASSWORD } from './accounts-fixtures';
import { ED25519, homePath, internal, RSA_2048, signIn } from './sftp-fixtures';

const put = (userId: string, path: string, body: string) =>
  internal(homePath(userId, 'file', path), { method: 'PUT', body, headers: { 'content-length': String(new TextEncoder().encode(body).byteLength) } });
const entries = async (userId: string, path: string) =>
  ((await (await internal(homePath(userId, 'entries', path))).json()) as { entries: Array<{ name: string; directory: boolean; size: number }> }).entries;
const message = async (response: Response) => ((await response.json()) as { error: { message: string } }).error.message;

async function registerKey(userId: string, line: string) {
  const parsed = parsePublicKeyLine(line);
  if (!('key' in parsed)) throw new Error(parsed.problem);
  await addSftpKey(env.DB, userId, 'clé', parsed.key);
}

describe('SFTP sign-in with portal credentials', () => {
  it('accepts the username (or e-mail) and password of a confirmed account, answering its id and the file size limit', async () => {
    const user = await createUser({ username: 'ines' });
    for (const username of ['ines', 'INES@example.org']) {
      const response = await signIn({ username, password: PASSWORD });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ userId: user.id, username: 'ines', maxFileBytes: 100_000_000 });
    }
  });

  it('refuses a wrong password and an unknown account with the same message', async () => {
    await createUser({ username: 'jules' });
    const wrong = await signIn({ username: 'jules', password: 'pas le bon mot de passe' });
    const unknown = await signIn({ username: 'personne', password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await message(wrong)).toBe('Identifiant, mot de passe ou clé incorrects.');
    expect(await message(unknown)).toBe('Identifiant, mot de passe ou clé incorrects.');
  });

  it('refuses an account whose e-mail is not confirmed, even with the right password or key', async () => {
    const user = await createUser({ username: 'karim', confirmed: false });
    await registerKey(user.id, ED25519.line);
    const withPassword = await signIn({ username: 'karim', password: PASSWORD });
    const withKey = await signIn({ username: 'karim', publicKey: ED25519.line });
    expect(withPassword.status).toBe(403);
    expect(withKey.status).toBe(403);
    expect(await message(withPassword)).toContain('pas encore confirmée');
  });

  it('counts only wrong passwords: many successful sign-ins in a row are all accepted', async () => {
    await createUser({ username: 'kevin' });
    for (let i = 0; i < 15; i++) expect((await signIn({ username: 'kevin', password: PASSWORD })).status).toBe(200);
  }, 60_000);

  it('limits wrong passwords per account: after ten within a quarter of an hour even the right one is refused', async () => {
    await createUser({ username: 'lea' });
    for (let i = 0; i < 10; i++) expect((await signIn({ username: 'lea', password: `essai ${i}` }, `198.51.100.${i}`)).status).toBe(401);
    const blocked = await signIn({ username: 'lea', password: PASSWORD }, '198.51.100.99');
    expect(blocked.status).toBe(429);
    expect(await message(blocked)).toMatch(/^Trop de tentatives de connexion : réessayez dans \d+ min\.$/);
  });

  it('limits wrong passwords per client address across accounts', async () => {
    await createUser({ username: 'marius' });
    for (let i = 0; i < 50; i++) expect((await signIn({ username: `inconnu${i}`, password: 'x' }, '203.0.113.7')).status).toBe(401);
    expect((await signIn({ username: 'marius', password: PASSWORD }, '203.0.113.7')).status).toBe(429);
    expect((await signIn({ username: 'marius', password: PASSWORD }, '203.0.113.8')).status).toBe(200);
  }, 60_000);

  it('accepts a public key the user registered and returns it for the signature check; refuses any other key', async () => {
    const user = await createUser({ username: 'nadia' });
    const other = await createUser({ username: 'oscar' });
    await registerKey(user.id, ED25519.line);
    await registerKey(other.id, RSA_2048.line);
    const accepted = await signIn({ username: 'nadia', publicKey: ED25519.line });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ userId: user.id, publicKey: ED25519.line.split(' ').slice(0, 2).join(' ') });
    expect((await signIn({ username: 'nadia', publicKey: RSA_2048.line })).status).toBe(401);
    expect((await signIn({ username: 'nadia', publicKey: 'ssh-ed25519 AAAA' })).status).toBe(401);
  });

  it('refuses a body that is neither a password nor a key attempt', async () => {
    for (const body of ['not json', '{"username":"a","clientIp":"x"}', '{"username":"a","clientIp":"x","password":"p","publicKey":"k"}']) {
      const response = await internal('/auth', { method: 'POST', body });
      expect(response.status).toBe(400);
      expect(await message(response)).toContain('Requête illisible');
    }
  });

  it('answers only the operator: no token is forbidden, a wrong token is refused, and nothing is written', async () => {
    const user = await createUser({ username: 'pauline' });
    const paths: Array<[string, string]> = [
      ['POST', '/api/internal/sftp/auth'],
      ['GET', `/api/internal/sftp/homes/${user.id}/entries?path=`],
      ['PUT', `/api/internal/sftp/homes/${user.id}/file?path=intrus.txt`],
      ['POST', `/api/internal/sftp/homes/${user.id}/directory?path=intrus`],
    ];
    for (const [method, path] of paths) {
      const body = method === 'GET' ? undefined : JSON.stringify({ username: 'pauline', clientIp: 'x', password: PASSWORD });
      const anonymous = await SELF.fetch(`${ORIGIN}${path}`, { method, body });
      expect(anonymous.status, `${method} ${path}`).toBe(403);
      expect(await message(anonymous)).toBe('Jeton d’opérateur absent ou invalide.');
      const wrong = await SELF.fetch(`${ORIGIN}${path}`, { method, body, headers: { authorization: 'Bearer pas-le-bon' } });
      expect(wrong.status, `${method} ${path}`).toBe(401);
    }
    expect(await listDepositedFiles(env.FILES, user.id)).toEqual([]);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM sftp_directories').first('n')).toBe(0);
  });
});

describe('SFTP home in R2', () => {
  it('writes, stats, lists, reads and removes a file; the resource form sees it through listDepositedFiles', async () => {
    const user = await createUser({ username: 'quentin' });
    const written = await put(user.id, 'communes.csv', 'insee;nom\n34142;Lodève\n');
    expect(written.status).toBe(201);
    expect(await written.json()).toMatchObject({ name: 'communes.csv', directory: false, size: 24 });
    expect(await (await internal(homePath(user.id, 'stat', '/communes.csv'))).json()).toMatchObject({ directory: false, size: 24 });
    expect(await (await internal(homePath(user.id, 'stat', ''))).json()).toMatchObject({ directory: true });
    expect(await entries(user.id, '')).toEqual([expect.objectContaining({ name: 'communes.csv', directory: false, size: 24 })]);
    const read = await internal(homePath(user.id, 'file', 'communes.csv'));
    expect(new TextDecoder().decode(await read.arrayBuffer())).toBe('insee;nom\n34142;Lodève\n');
    expect((await listDepositedFiles(env.FILES, user.id)).map((f) => [f.path, f.size])).toEqual([['communes.csv', 24]]);

    expect((await internal(homePath(user.id, 'file', 'communes.csv'), { method: 'DELETE' })).status).toBe(204);
    expect((await internal(homePath(user.id, 'stat', 'communes.csv'))).status).toBe(404);
    expect((await internal(homePath(user.id, 'file', 'communes.csv'), { method: 'DELETE' })).status).toBe(404);
    expect(await listDepositedFiles(env.FILES, user.id)).toEqual([]);
  });

  it('stores an empty file', async () => {
    const user = await createUser({ username: 'rose' });
    expect((await put(user.id, 'vide.txt', '')).status).toBe(201);
    expect((await listDepositedFiles(env.FILES, user.id)).map((f) => [f.path, f.size])).toEqual([['vide.txt', 0]]);
  });

  it('creates empty directories, writes into them, and removes a directory only once it is empty', async () => {
    const user = await createUser({ username: 'samuel' });
    expect((await put(user.id, 'exports/a.csv', 'a')).status).toBe(404);
    expect((await internal(homePath(user.id, 'directory', 'exports'), { method: 'POST' })).status).toBe(201);
    expect((await internal(homePath(user.id, 'directory', 'exports'), { method: 'POST' })).status).toBe(409);
    expect((await internal(homePath(user.id, 'directory', 'exports/2026'), { method: 'POST' })).status).toBe(201);
    expect(await entries(user.id, '')).toEqual([expect.objectContaining({ name: 'exports', directory: true })]);
    expect(await entries(user.id, 'exports')).toEqual([expect.objectContaining({ name: '2026', directory: true })]);
    expect((await put(user.id, 'exports/a.csv', 'a')).status).toBe(201);
    expect((await entries(user.id, 'exports')).map((e) => e.name)).toEqual(['2026', 'a.csv']);
    expect((await put(user.id, 'exports/a.csv/b.csv', 'b')).status).toBe(409);
    expect((await put(user.id, 'exports', 'x')).status).toBe(409);

    const notEmpty = await internal(homePath(user.id, 'directory', 'exports'), { method: 'DELETE' });
    expect(notEmpty.status).toBe(409);
    expect(await message(notEmpty)).toBe('Le dossier n’est pas vide.');
    expect((await internal(homePath(user.id, 'directory', 'exports/2026'), { method: 'DELETE' })).status).toBe(204);
    expect((await internal(homePath(user.id, 'file', 'exports/a.csv'), { method: 'DELETE' })).status).toBe(204);
    expect((await internal(homePath(user.id, 'directory', 'exports'), { method: 'DELETE' })).status).toBe(204);
    expect(await entries(user.id, '')).toEqual([]);
    expect((await internal(homePath(user.id, 'entries', 'exports'))).status).toBe(404);
  });

  it('renames a file and a directory with its content, never over an existing name nor into itself', async () => {
    const user = await createUser({ username: 'tania' });
    await internal(homePath(user.id, 'directory', 'brut'), { method: 'POST' });
    await internal(homePath(user.id, 'directory', 'brut/vide'), { method: 'POST' });
    await put(user.id, 'brut/a.csv', 'a');
    await put(user.id, 'b.csv', 'b');
    const rename = (from: string, to: string) =>
      internal(`/homes/${user.id}/rename?path=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { method: 'POST' });

    expect((await rename('b.csv', 'brut/a.csv')).status).toBe(409);
    expect((await rename('brut', 'brut/dedans')).status).toBe(409);
    expect((await rename('b.csv', 'absent/b.csv')).status).toBe(404);
    expect((await rename('b.csv', 'brut/b.csv')).status).toBe(204);
    expect((await rename('brut', 'publie')).status).toBe(204);
    expect((await listDepositedFiles(env.FILES, user.id)).map((f) => f.path)).toEqual(['publie/a.csv', 'publie/b.csv']);
    expect((await entries(user.id, 'publie')).map((e) => e.name)).toEqual(['a.csv', 'b.csv', 'vide']);
    expect((await internal(homePath(user.id, 'stat', 'brut'))).status).toBe(404);
  });

  it('refuses paths that leave the home or hide another path, and changes nothing', async () => {
    const user = await createUser({ username: 'ugo' });
    const victim = await createUser({ username: 'victor' });
    await put(victim.id, 'secret.csv', 'secret');
    for (const path of ['../secret.csv', `../${victim.id}/secret.csv`, 'a/../../x', 'a\\..\\..\\x', 'nom\u0000.csv', '..']) {
      const write = await put(user.id, path, 'intrus');
      expect(write.status, path).toBe(403);
      expect(await message(write)).toBe('Chemin refusé : il sort de votre dossier personnel ou contient des caractères interdits. Rien n’a été modifié.');
      expect((await internal(homePath(user.id, 'file', path))).status, path).toBe(403);
      expect((await internal(homePath(user.id, 'directory', path), { method: 'POST' })).status, path).toBe(403);
    }
    expect((await internal(`/homes/${user.id}/rename?path=x&to=${encodeURIComponent('../x')}`, { method: 'POST' })).status).toBe(403);
    expect(await listDepositedFiles(env.FILES, user.id)).toEqual([]);
    expect((await listDepositedFiles(env.FILES, victim.id)).map((f) => f.path)).toEqual(['secret.csv']);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM sftp_directories').first('n')).toBe(0);
  });

  it('keeps homes private: a file of one user is not found in another user’s home', async () => {
    const owner = await createUser({ username: 'wanda' });
    const other = await createUser({ username: 'xavier' });
    await put(owner.id, 'prive.csv', 'privé');
    expect(await entries(other.id, '')).toEqual([]);
    expect((await internal(homePath(other.id, 'file', 'prive.csv'))).status).toBe(404);
    expect((await internal('/homes/inconnu/entries?path=')).status).toBe(404);
  });

  it('refuses a file over the size limit, and one of undeclared length, before storing anything', async () => {
    const user = await createUser({ username: 'yasmine' });
    // The handler's own Request type carries Cloudflare's incoming properties, which a test request has none of.
    const request = (body: BodyInit, headers: Record<string, string>) =>
      new Request<unknown, IncomingRequestCfProperties>(`${ORIGIN}/api/internal/sftp/homes/${user.id}/file?path=gros.bin`, { method: 'PUT', body, headers: { authorization: 'Bearer operator-test-token', ...headers } });
    const ctx = createExecutionContext();
    const limited = { ...env, SFTP_MAX_FILE_BYTES: '16' };
    const tooLarge = await worker.fetch(request('x'.repeat(17), { 'content-length': '17' }), limited, ctx);
    expect(tooLarge.status).toBe(413);
    expect(await message(tooLarge)).toBe('Fichier trop volumineux : la limite est de 16 octets. Rien n’a été enregistré.');
    const atLimit = await worker.fetch(request('x'.repeat(16), { 'content-length': '16' }), limited, ctx);
    expect(atLimit.status).toBe(201);
    await env.FILES.delete(`sftp/${user.id}/gros.bin`);

    const stream = new ReadableStream({ start(controller) { controller.enqueue(new TextEncoder().encode('sans longueur')); controller.close(); } });
    const undeclared = await worker.fetch(request(stream, {}), limited, ctx);
    expect(undeclared.status).toBe(411);
    await waitOnExecutionContext(ctx);
    expect(await listDepositedFiles(env.FILES, user.id)).toEqual([]);
  });
});
