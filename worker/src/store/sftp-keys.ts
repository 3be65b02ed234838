// SSH public keys users add in their profile to sign in to the SFTP server (table sftp_keys).
import type { SshPublicKey } from '../domain/sftp';

export interface SftpKeyRow {
  id: string;
  user_id: string;
  name: string;
  key_type: string;
  public_key: string;
  fingerprint: string;
  bits: number;
  created_at: string;
}

export async function listSftpKeys(db: D1Database, userId: string): Promise<SftpKeyRow[]> {
  const rows = await db.prepare('SELECT * FROM sftp_keys WHERE user_id = ? ORDER BY created_at, name').bind(userId).all<SftpKeyRow>();
  return rows.results;
}

/** False when the user already has this key (same fingerprint). */
export async function addSftpKey(db: D1Database, userId: string, name: string, key: SshPublicKey, now = new Date()): Promise<boolean> {
  const result = await db.prepare(
    `INSERT INTO sftp_keys (id, user_id, name, key_type, public_key, fingerprint, bits, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, fingerprint) DO NOTHING`,
  ).bind(crypto.randomUUID(), userId, name, key.type, key.blobBase64, key.fingerprint, key.bits, now.toISOString()).run();
  return result.meta.changes === 1;
}

export async function deleteSftpKey(db: D1Database, userId: string, keyId: string): Promise<boolean> {
  const result = await db.prepare('DELETE FROM sftp_keys WHERE id = ? AND user_id = ?').bind(keyId, userId).run();
  return result.meta.changes === 1;
}

/** The user's key with exactly this blob (the SFTP server then checks the client's signature with it). */
export function findSftpKey(db: D1Database, userId: string, blobBase64: string): Promise<SftpKeyRow | null> {
  return db.prepare('SELECT * FROM sftp_keys WHERE user_id = ? AND public_key = ?').bind(userId, blobBase64).first<SftpKeyRow>();
}
