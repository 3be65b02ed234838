// Files users deposit over SFTP live in R2 under `sftp/{userId}/`: the SFTP server writes there, the resource
// form lists them, and scheduled syncs copy them into resource versions.
export const SFTP_PREFIX = 'sftp/';

export interface DepositedFile {
  /** Path inside the user's home, without a leading slash, e.g. `exports/communes.csv`. */
  path: string;
  size: number;
  uploaded: Date;
}

export const depositRoot = (userId: string) => `${SFTP_PREFIX}${userId}/`;

/** The R2 key of a path in a user's home, or null if the path would leave it. */
export function depositKey(userId: string, path: string): string | null {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return null;
    if (/[\u0000-\u001f]/.test(part)) return null;
    parts.push(part);
  }
  return parts.length === 0 ? null : depositRoot(userId) + parts.join('/');
}

export async function listDepositedFiles(bucket: R2Bucket, userId: string): Promise<DepositedFile[]> {
  const root = depositRoot(userId);
  const files: DepositedFile[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: root, cursor });
    for (const object of page.objects) files.push({ path: object.key.slice(root.length), size: object.size, uploaded: object.uploaded });
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

// The SFTP server's view of a home: files are R2 objects, directories are key prefixes, plus the directories a
// user created that hold nothing yet (recorded in D1's sftp_directories, since R2 has no empty prefix).
export type HomeEntry =
  | { name: string; directory: true; modified: Date | null }
  | { name: string; directory: false; size: number; modified: Date };

/** `path` is relative to the home with no `..` (see domain/sftp.ts), '' for the home itself. */
async function recordedDirectories(db: D1Database, userId: string): Promise<Array<{ path: string; created_at: string }>> {
  const rows = await db.prepare('SELECT path, created_at FROM sftp_directories WHERE user_id = ?').bind(userId).all<{ path: string; created_at: string }>();
  return rows.results;
}

const childPrefix = (userId: string, path: string) => depositRoot(userId) + (path ? `${path}/` : '');

export async function statDeposit(db: D1Database, bucket: R2Bucket, userId: string, path: string): Promise<HomeEntry | null> {
  const name = path.split('/').pop() ?? '';
  if (path === '') return { name, directory: true, modified: null };
  const object = await bucket.head(depositRoot(userId) + path);
  if (object) return { name, directory: false, size: object.size, modified: object.uploaded };
  const recorded = await db.prepare('SELECT created_at FROM sftp_directories WHERE user_id = ? AND path = ?').bind(userId, path)
    .first<{ created_at: string }>();
  if (recorded) return { name, directory: true, modified: new Date(recorded.created_at) };
  const inside = await bucket.list({ prefix: childPrefix(userId, path), limit: 1 });
  return inside.objects.length > 0 ? { name, directory: true, modified: null } : null;
}

/** Entries of a directory, or null if it does not exist. */
export async function listDepositDirectory(db: D1Database, bucket: R2Bucket, userId: string, path: string): Promise<HomeEntry[] | null> {
  const prefix = childPrefix(userId, path);
  const entries = new Map<string, HomeEntry>();
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, delimiter: '/', cursor });
    for (const object of page.objects) {
      const name = object.key.slice(prefix.length);
      entries.set(name, { name, directory: false, size: object.size, modified: object.uploaded });
    }
    for (const sub of page.delimitedPrefixes) {
      const name = sub.slice(prefix.length, -1);
      entries.set(name, { name, directory: true, modified: null });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  const recorded = await recordedDirectories(db, userId);
  for (const dir of recorded) {
    const parent = dir.path.includes('/') ? dir.path.slice(0, dir.path.lastIndexOf('/')) : '';
    const name = dir.path.slice(parent ? parent.length + 1 : 0);
    if (parent === path) entries.set(name, { name, directory: true, modified: new Date(dir.created_at) });
  }
  if (entries.size === 0 && path !== '' && !recorded.some((dir) => dir.path === path)) return null;
  return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function makeDepositDirectory(db: D1Database, userId: string, path: string, now = new Date()): Promise<D1Result> {
  return db.prepare('INSERT INTO sftp_directories (user_id, path, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
    .bind(userId, path, now.toISOString()).run();
}

/** Removes an empty directory; false when it still holds something. */
export async function removeDepositDirectory(db: D1Database, bucket: R2Bucket, userId: string, path: string): Promise<boolean> {
  const entries = await listDepositDirectory(db, bucket, userId, path);
  if (entries && entries.length > 0) return false;
  await db.prepare('DELETE FROM sftp_directories WHERE user_id = ? AND path = ?').bind(userId, path).run();
  return true;
}

/**
 * Moves a file or a whole directory. R2 has no rename: each object is copied then deleted, so an interrupted
 * move of a directory leaves some files at each place, none lost.
 */
export async function moveDeposit(db: D1Database, bucket: R2Bucket, userId: string, from: string, to: string): Promise<void> {
  const root = depositRoot(userId);
  const single = await bucket.head(root + from);
  const keys: string[] = [];
  if (single) keys.push(root + from);
  else {
    let cursor: string | undefined;
    do {
      const page = await bucket.list({ prefix: childPrefix(userId, from), cursor });
      keys.push(...page.objects.map((o) => o.key));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
  }
  for (const key of keys) {
    const object = await bucket.get(key);
    if (!object) continue;
    await bucket.put(root + to + key.slice(root.length + from.length), object.body, { httpMetadata: object.httpMetadata });
    await bucket.delete(key);
  }
  if (!single) {
    // Recorded directories follow their parent: `from` and everything below it.
    await db.prepare(
      `UPDATE sftp_directories SET path = ?3 || substr(path, length(?2) + 1)
       WHERE user_id = ?1 AND (path = ?2 OR substr(path, 1, length(?2) + 1) = ?2 || '/')`,
    ).bind(userId, from, to).run();
  }
}
