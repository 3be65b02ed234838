// The "Dépôt sFTP" page of the account: connection settings, SSH keys (add, list with fingerprints, delete) and
// the deposited files with their delete buttons.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { listDepositedFiles } from '../../worker/src/store/sftp-files';
import { listSftpKeys } from '../../worker/src/store/sftp-keys';
import { createUser, ORIGIN, postForm, signedInCookie } from './accounts-fixtures';
import { ECDSA_384, ED25519, RSA_1024, RSA_2048 } from './sftp-fixtures';

const page = async (cookie: string) => SELF.fetch(`${ORIGIN}/user/sftp`, { headers: { cookie }, redirect: 'manual' });
const decoded = (text: string) => text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

describe('Dépôt sFTP page', () => {
  it('sends an anonymous visitor to the sign-in page and back', async () => {
    const response = await SELF.fetch(`${ORIGIN}/user/sftp`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/user/login?next=%2Fuser%2Fsftp');
  });

  it('shows the connection settings, the size limit and the files deposited in the user’s home only', async () => {
    const user = await createUser({ username: 'amandine' });
    const other = await createUser({ username: 'bastien' });
    await env.FILES.put(`sftp/${user.id}/exports/communes.csv`, 'x'.repeat(2500));
    await env.FILES.put(`sftp/${other.id}/pas-a-moi.csv`, 'y');
    const html = await (await page(await signedInCookie(user.id))).text();
    expect(html).toContain('<code data-sftp-host>localhost</code>');
    expect(html).toContain('<code data-sftp-port>8322</code>');
    expect(html).toContain('<code>amandine</code>');
    expect(html).toContain('100 Mo');
    expect(html).toContain('<code>exports/communes.csv</code>');
    expect(html).toContain('2,5 ko');
    expect(html).not.toContain('pas-a-moi.csv');
    expect(html).toContain('href="/page/aide-sftp"');
  });

  it('adds ed25519, ecdsa and rsa keys and lists them with the fingerprints ssh-keygen prints', async () => {
    const user = await createUser({ username: 'celine' });
    const cookie = await signedInCookie(user.id);
    for (const [name, key] of [['poste du bureau', ED25519], ['portable', ECDSA_384], ['serveur', RSA_2048]] as const) {
      const added = await postForm('/user/sftp/keys', { name, publicKey: `  ${key.line}\n` }, cookie);
      expect(added.status).toBe(303);
      expect(added.headers.get('location')).toBe(`/user/sftp?done=key-added&name=${encodeURIComponent(name)}`);
    }
    const html = await (await SELF.fetch(`${ORIGIN}/user/sftp?done=key-added&name=serveur`, { headers: { cookie } })).text();
    expect(html).toContain('La clé « serveur » a été ajoutée.');
    for (const key of [ED25519, ECDSA_384, RSA_2048]) expect(html).toContain(`<code>${key.fingerprint}</code>`);
    expect((await listSftpKeys(env.DB, user.id)).map((k) => [k.name, k.key_type, k.bits])).toEqual([
      ['poste du bureau', 'ssh-ed25519', 256], ['portable', 'ecdsa-sha2-nistp384', 384], ['serveur', 'ssh-rsa', 2048],
    ]);
  });

  it('refuses a private key, a short RSA key, another key type, garbage and a missing name, with precise messages', async () => {
    const user = await createUser({ username: 'damien' });
    const cookie = await signedInCookie(user.id);
    const cases: Array<[Record<string, string>, string]> = [
      [{ name: 'privée', publicKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----' }, 'Ceci est une clé privée'],
      [{ name: 'courte', publicKey: RSA_1024.line }, 'Cette clé RSA est trop courte : il faut au moins 2048 bits.'],
      [{ name: 'dss', publicKey: 'ssh-dss AAAAB3NzaC1kc3MAAACBAP8= vieux' }, 'Type de clé non accepté'],
      [{ name: 'mélange', publicKey: ED25519.line.replace('ssh-ed25519', 'ssh-rsa') }, 'n’est pas une clé publique OpenSSH'],
      [{ name: 'tronquée', publicKey: ED25519.line.slice(0, 60) }, 'n’est pas une clé publique OpenSSH'],
      [{ name: '', publicKey: ED25519.line }, 'Donnez un nom à la clé.'],
      [{ name: 'vide', publicKey: '' }, 'Collez votre clé publique.'],
    ];
    for (const [fields, expected] of cases) {
      const response = await postForm('/user/sftp/keys', fields, cookie);
      expect(response.status, expected).toBe(400);
      expect(decoded(await response.text())).toContain(expected);
    }
    expect(await listSftpKeys(env.DB, user.id)).toEqual([]);
  });

  it('refuses the same key twice on one account', async () => {
    const user = await createUser({ username: 'elise' });
    const cookie = await signedInCookie(user.id);
    expect((await postForm('/user/sftp/keys', { name: 'une', publicKey: ED25519.line }, cookie)).status).toBe(303);
    const again = await postForm('/user/sftp/keys', { name: 'deux', publicKey: ED25519.line }, cookie);
    expect(again.status).toBe(409);
    expect(decoded(await again.text())).toContain('Cette clé est déjà enregistrée sur votre compte.');
    expect((await listSftpKeys(env.DB, user.id)).map((k) => k.name)).toEqual(['une']);
  });

  it('deletes a key of its owner only', async () => {
    const owner = await createUser({ username: 'fanny' });
    const other = await createUser({ username: 'gaston' });
    await postForm('/user/sftp/keys', { name: 'clé', publicKey: ED25519.line }, await signedInCookie(owner.id));
    const [key] = await listSftpKeys(env.DB, owner.id);
    const stolen = await postForm('/user/sftp/keys/delete', { keyId: key!.id }, await signedInCookie(other.id));
    expect(stolen.status).toBe(404);
    expect(await listSftpKeys(env.DB, owner.id)).toHaveLength(1);
    const deleted = await postForm('/user/sftp/keys/delete', { keyId: key!.id }, await signedInCookie(owner.id));
    expect(deleted.headers.get('location')).toBe('/user/sftp?done=key-deleted');
    expect(await listSftpKeys(env.DB, owner.id)).toEqual([]);
  });

  it('deletes a deposited file, and refuses a path leaving the home without touching anything', async () => {
    const user = await createUser({ username: 'helene' });
    const other = await createUser({ username: 'igor' });
    await env.FILES.put(`sftp/${user.id}/a.csv`, 'a');
    await env.FILES.put(`sftp/${other.id}/b.csv`, 'b');
    const cookie = await signedInCookie(user.id);
    const escape = await postForm('/user/sftp/files/delete', { path: `../${other.id}/b.csv` }, cookie);
    expect(escape.status).toBe(400);
    expect(decoded(await escape.text())).toContain('Chemin refusé : il sort de votre dossier personnel');
    const missing = await postForm('/user/sftp/files/delete', { path: 'absent.csv' }, cookie);
    expect(missing.status).toBe(404);
    const deleted = await postForm('/user/sftp/files/delete', { path: 'a.csv' }, cookie);
    expect(deleted.headers.get('location')).toBe('/user/sftp?done=file-deleted&name=a.csv');
    expect(await listDepositedFiles(env.FILES, user.id)).toEqual([]);
    expect((await listDepositedFiles(env.FILES, other.id)).map((f) => f.path)).toEqual(['b.csv']);
  });

  it('refuses a form posted from another site', async () => {
    const user = await createUser({ username: 'jade' });
    const response = await postForm('/user/sftp/keys', { name: 'clé', publicKey: ED25519.line }, await signedInCookie(user.id), { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(await listSftpKeys(env.DB, user.id)).toEqual([]);
  });
});
