// The server's SSH host key: generated once into the local state directory and kept, so that clients which
// stored its fingerprint keep trusting the server across restarts. Never committed (state dirs are ignored).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import ssh2 from 'ssh2';

export function loadOrCreateHostKey(path: string): Buffer {
  if (!existsSync(path)) {
    const { private: privateKey } = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'portail sftp' });
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, privateKey, { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(path);
}
