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
