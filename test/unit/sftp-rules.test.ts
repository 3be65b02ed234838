// SFTP deposit rules: where a client's path leads in the home, and which public keys a profile accepts, checked
// against keys and fingerprints made by OpenSSH's ssh-keygen.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientPath, maxFileBytes, parsePublicKeyLine, resolveHomePath, strictHomePath } from '../../worker/src/domain/sftp';

describe('paths in the home', () => {
  it('resolves absolute and relative client paths inside the home, which clients see as /', () => {
    expect(resolveHomePath('/')).toEqual([]);
    expect(resolveHomePath('.')).toEqual([]);
    expect(resolveHomePath('/exports//2026/./a.csv')).toEqual(['exports', '2026', 'a.csv']);
    expect(resolveHomePath('exports/../a.csv')).toEqual(['a.csv']);
    expect(clientPath(resolveHomePath('/exports/2026/..')!)).toBe('/exports');
  });

  it('refuses a path climbing above the home or hiding another path, rather than clamping it', () => {
    for (const path of ['..', '/..', '../other', 'a/../../b', '/a/b/../../../etc/passwd', 'a\\..\\..\\b', 'nom\u0000.csv', 'a\nb']) {
      expect(resolveHomePath(path), JSON.stringify(path)).toBeNull();
    }
  });

  it('takes only already resolved paths at the Worker: any .. is refused', () => {
    expect(strictHomePath('/exports/a.csv')).toBe('exports/a.csv');
    expect(strictHomePath('')).toBe('');
    expect(strictHomePath('exports/../a.csv')).toBeNull();
  });

  it('reads the size limit from its setting, 100 MB when unset or invalid', () => {
    expect(maxFileBytes(undefined)).toBe(100_000_000);
    expect(maxFileBytes('2048')).toBe(2048);
    expect(maxFileBytes('beaucoup')).toBe(100_000_000);
    expect(maxFileBytes('-1')).toBe(100_000_000);
  });
});

describe('SSH public keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portail-keys-'));
  const keygen = (name: string, ...args: string[]) => {
    const file = join(dir, name);
    const made = spawnSync('ssh-keygen', ['-q', '-N', '', '-C', `clé ${name}`, '-f', file, ...args], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    const [bits, fingerprint] = spawnSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).stdout.split(' ');
    return { line: readFileSync(`${file}.pub`, 'utf8'), bits: Number(bits), fingerprint: fingerprint!, privateKey: readFileSync(file, 'utf8') };
  };

  it('accepts ed25519, the three ecdsa curves and RSA from 2048 bits, with the fingerprint and size ssh-keygen prints', () => {
    const keys = [
      keygen('ed25519', '-t', 'ed25519'),
      keygen('p256', '-t', 'ecdsa', '-b', '256'),
      keygen('p384', '-t', 'ecdsa', '-b', '384'),
      keygen('p521', '-t', 'ecdsa', '-b', '521'),
      keygen('rsa2048', '-t', 'rsa', '-b', '2048'),
      keygen('rsa3072', '-t', 'rsa', '-b', '3072'),
    ];
    for (const key of keys) {
      const parsed = parsePublicKeyLine(key.line);
      expect(parsed, key.line).toHaveProperty('key');
      if (!('key' in parsed)) continue;
      expect(parsed.key.fingerprint).toBe(key.fingerprint);
      expect(parsed.key.bits).toBe(key.bits);
      expect(key.line.startsWith(`${parsed.key.type} ${parsed.key.blobBase64}`)).toBe(true);
    }
  }, 30_000); // ssh-keygen makes six keys, RSA ones slowly on a busy machine

  it('refuses short RSA keys, private keys, other types and damaged lines with the matching reason', () => {
    const short = keygen('rsa1024', '-t', 'rsa', '-b', '1024');
    const ed = keygen('ed-bis', '-t', 'ed25519');
    const [type, blob] = ed.line.split(' ');
    expect(parsePublicKeyLine(short.line)).toEqual({ problem: 'sftp.key.rsaTooShort' });
    expect(parsePublicKeyLine(ed.privateKey)).toEqual({ problem: 'sftp.key.private' });
    expect(parsePublicKeyLine('   ')).toEqual({ problem: 'sftp.key.empty' });
    expect(parsePublicKeyLine(`sk-ssh-ed25519@openssh.com ${blob}`)).toEqual({ problem: 'sftp.key.type' });
    expect(parsePublicKeyLine(`ssh-rsa ${blob}`)).toEqual({ problem: 'sftp.key.format' });
    expect(parsePublicKeyLine(`${type} ${blob!.slice(0, -8)}`)).toEqual({ problem: 'sftp.key.format' });
    expect(parsePublicKeyLine(`${type} ${blob}AAAA`)).toEqual({ problem: 'sftp.key.format' });
    expect(parsePublicKeyLine(`from="10.0.0.1" ${ed.line}`)).toEqual({ problem: 'sftp.key.format' });
    expect(parsePublicKeyLine(`${ed.line}\n${ed.line}`)).toEqual({ problem: 'sftp.key.format' });
  }, 30_000);
});
