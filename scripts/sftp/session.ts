// One SFTP session: the requests FileZilla, WinSCP and OpenSSH's sftp send, served from the user's home in R2
// through the Worker. The home is the client's `/`; a path resolving above it is refused with a permission
// error before anything is asked of the Worker. An open file is a local temporary file: read handles download
// the object first, write handles upload it when closed (a transfer cut short stores nothing).
import { randomBytes } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2';
import { formatBytes } from '../../site/lib/format';
import { clientPath, homeRelativePath, resolveHomePath } from '../../worker/src/domain/sftp';
import { t, type MessageKey } from '../../worker/src/i18n';
import { PortalError, type Account, type PortalClient, type RemoteEntry } from './portal-client';

// ssh2 is CommonJS: its named exports are read from the default one.
const { OPEN_MODE, STATUS_CODE } = ssh2.utils.sftp;
const LANG = 'fr';
/** Entries per READDIR answer: keeps each reply well under the SFTP packet size clients accept. */
const NAMES_PER_REPLY = 100;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

type Handle =
  | { kind: 'read'; file: string; fd: FileHandle; size: number }
  | { kind: 'write'; path: string; file: string; fd: FileHandle; failed: boolean; writes: Promise<void> }
  | { kind: 'directory'; entries: FileEntry[] };

/** A refusal decided here, with its SFTP status and French message. */
class Refusal extends Error {
  constructor(readonly code: number, key: MessageKey, params?: Record<string, string>) {
    super(t(LANG, key, params));
  }
}

function attributes(entry: Pick<RemoteEntry, 'directory' | 'size' | 'modified'>): Attributes {
  const time = entry.modified ? Math.floor(Date.parse(entry.modified) / 1000) : 0;
  return {
    mode: entry.directory ? S_IFDIR | 0o755 : S_IFREG | 0o644,
    uid: 0,
    gid: 0,
    size: entry.directory ? 0 : entry.size,
    atime: time,
    mtime: time,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `ls -l` style line: FileZilla reads the listing from it, as OpenSSH's server writes it. */
function longname(entry: RemoteEntry, owner: string, now = Date.now()): string {
  const date = new Date(entry.modified ?? 0);
  const recent = Math.abs(now - date.getTime()) < 180 * 86_400_000;
  const day = String(date.getUTCDate()).padStart(2, ' ');
  const when = recent
    ? `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`
    : ` ${date.getUTCFullYear()}`;
  const mode = entry.directory ? 'drwxr-xr-x' : '-rw-r--r--';
  return `${mode}    1 ${owner.padEnd(8)} ${owner.padEnd(8)} ${String(entry.directory ? 0 : entry.size).padStart(8)} ${MONTHS[date.getUTCMonth()]} ${day} ${when} ${entry.name}`;
}

export function serveSftp(sftp: SFTPWrapper, account: Account, portal: PortalClient, tempDir: string): void {
  const handles = new Map<string, Handle>();
  let nextHandle = 0;

  function segmentsOf(path: string): string[] {
    const segments = resolveHomePath(path);
    if (!segments) throw new Refusal(STATUS_CODE.PERMISSION_DENIED, 'sftp.path.outsideHome');
    return segments;
  }
  const homePath = (path: string) => homeRelativePath(segmentsOf(path));

  function addHandle(handle: Handle): Buffer {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(nextHandle++);
    handles.set(id.toString('hex'), handle);
    return id;
  }

  function handleOf(id: Buffer): Handle {
    const handle = handles.get(id.toString('hex'));
    if (!handle) throw new Refusal(STATUS_CODE.FAILURE, 'sftp.server.badHandle');
    return handle;
  }

  const tempFile = () => join(tempDir, randomBytes(12).toString('hex'));

  async function discard(handle: Handle): Promise<void> {
    if (handle.kind === 'directory') return;
    await handle.fd.close().catch(() => undefined);
    await rm(handle.file, { force: true });
  }

  /** Runs a request; refusals of this server or of the Worker become the matching SFTP status. */
  function answer(reqId: number, work: () => Promise<void>): void {
    work().catch((error: unknown) => {
      if (error instanceof Refusal) return sftp.status(reqId, error.code, error.message);
      if (error instanceof PortalError) {
        const code = error.status === 403 ? STATUS_CODE.PERMISSION_DENIED
          : error.status === 404 ? STATUS_CODE.NO_SUCH_FILE : STATUS_CODE.FAILURE;
        return sftp.status(reqId, code, error.status === 0 ? t(LANG, 'sftp.server.unavailable') : error.message);
      }
      console.error(`[sftp] ${(error as Error).message}`);
      sftp.status(reqId, STATUS_CODE.FAILURE, t(LANG, 'sftp.server.unavailable'));
    });
  }

  async function openForWrite(path: string, flags: number): Promise<Handle> {
    const existing = await portal.stat(account, path);
    if (existing?.directory) throw new Refusal(STATUS_CODE.FAILURE, 'sftp.path.isDirectory');
    if (existing && flags & OPEN_MODE.EXCL) throw new Refusal(STATUS_CODE.FAILURE, 'sftp.path.exists');
    if (!existing) {
      if (!(flags & OPEN_MODE.CREAT)) throw new Refusal(STATUS_CODE.NO_SUCH_FILE, 'sftp.path.notFound');
      const parent = await portal.stat(account, path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
      if (!parent?.directory) throw new Refusal(STATUS_CODE.NO_SUCH_FILE, 'sftp.path.parentMissing');
    }
    const file = tempFile();
    // Appending or resuming keeps what is there: start from the stored file.
    if (existing && !(flags & OPEN_MODE.TRUNC)) await portal.download(account, path, file);
    const fd = await open(file, existing && !(flags & OPEN_MODE.TRUNC) ? 'r+' : 'w+');
    return { kind: 'write', path, file, fd, failed: false, writes: Promise.resolve() };
  }

  sftp.on('REALPATH', (reqId, path) => answer(reqId, async () => {
    const resolved = clientPath(segmentsOf(path));
    sftp.name(reqId, [{ filename: resolved, longname: resolved, attrs: {} as Attributes }]);
  }));

  const statRequest = (reqId: number, path: string) => answer(reqId, async () => {
    const entry = await portal.stat(account, homePath(path));
    if (!entry) throw new Refusal(STATUS_CODE.NO_SUCH_FILE, 'sftp.path.notFound');
    sftp.attrs(reqId, attributes(entry));
  });
  // No symbolic links exist in a home, so lstat is stat.
  sftp.on('STAT', statRequest);
  sftp.on('LSTAT', statRequest);

  sftp.on('FSTAT', (reqId, id) => answer(reqId, async () => {
    const handle = handleOf(id);
    if (handle.kind === 'directory') return sftp.attrs(reqId, attributes({ directory: true, size: 0, modified: null }));
    const size = handle.kind === 'read' ? handle.size : (await handle.fd.stat()).size;
    sftp.attrs(reqId, attributes({ directory: false, size, modified: new Date().toISOString() }));
  }));

  // Times and modes are not kept (R2 records its own upload time); accepting them matters because WinSCP and
  // FileZilla set them after each upload and report a refusal as a failed transfer.
  sftp.on('SETSTAT', (reqId, path) => answer(reqId, async () => {
    if (!(await portal.stat(account, homePath(path)))) throw new Refusal(STATUS_CODE.NO_SUCH_FILE, 'sftp.path.notFound');
    sftp.status(reqId, STATUS_CODE.OK);
  }));
  sftp.on('FSETSTAT', (reqId, id) => answer(reqId, async () => {
    handleOf(id);
    sftp.status(reqId, STATUS_CODE.OK);
  }));

  sftp.on('OPENDIR', (reqId, path) => answer(reqId, async () => {
    const entries = await portal.list(account, homePath(path));
    sftp.handle(reqId, addHandle({
      kind: 'directory',
      entries: entries.map((e) => ({ filename: e.name, longname: longname(e, account.username), attrs: attributes(e) })),
    }));
  }));

  sftp.on('READDIR', (reqId, id) => answer(reqId, async () => {
    const handle = handleOf(id);
    if (handle.kind !== 'directory') throw new Refusal(STATUS_CODE.FAILURE, 'sftp.server.badHandle');
    if (handle.entries.length === 0) return sftp.status(reqId, STATUS_CODE.EOF);
    sftp.name(reqId, handle.entries.splice(0, NAMES_PER_REPLY));
  }));

  sftp.on('OPEN', (reqId, filename, flags) => answer(reqId, async () => {
    const path = homePath(filename);
    if (path === '') throw new Refusal(STATUS_CODE.FAILURE, 'sftp.path.isDirectory');
    if (flags & OPEN_MODE.WRITE) return sftp.handle(reqId, addHandle(await openForWrite(path, flags)));
    const file = tempFile();
    try {
      await portal.download(account, path, file);
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
    const fd = await open(file, 'r');
    sftp.handle(reqId, addHandle({ kind: 'read', file, fd, size: (await fd.stat()).size }));
  }));

  sftp.on('READ', (reqId, id, offset, length) => answer(reqId, async () => {
    const handle = handleOf(id);
    if (handle.kind !== 'read') throw new Refusal(STATUS_CODE.FAILURE, 'sftp.server.badHandle');
    if (offset >= handle.size) return sftp.status(reqId, STATUS_CODE.EOF);
    const buffer = Buffer.alloc(Math.min(length, handle.size - offset));
    const { bytesRead } = await handle.fd.read(buffer, 0, buffer.length, offset);
    sftp.data(reqId, buffer.subarray(0, bytesRead));
  }));

  const tooLarge = () => new Refusal(STATUS_CODE.FAILURE, 'sftp.file.tooLarge', { size: formatBytes(LANG, account.maxFileBytes) });

  sftp.on('WRITE', (reqId, id, offset, data) => answer(reqId, async () => {
    const handle = handleOf(id);
    if (handle.kind !== 'write') throw new Refusal(STATUS_CODE.FAILURE, 'sftp.server.badHandle');
    // Answered in request order: OpenSSH's sftp keeps only the status of the last answer it reads.
    const write = handle.writes.then(async () => {
      // Refused as soon as the file would pass the limit, and every write after: nothing is uploaded at close.
      if (handle.failed || offset + data.length > account.maxFileBytes) {
        handle.failed = true;
        throw tooLarge();
      }
      await handle.fd.write(data, 0, data.length, offset);
    });
    handle.writes = write.catch(() => undefined);
    await write;
    sftp.status(reqId, STATUS_CODE.OK);
  }));

  sftp.on('CLOSE', (reqId, id) => answer(reqId, async () => {
    const handle = handleOf(id);
    handles.delete(id.toString('hex'));
    try {
      if (handle.kind === 'write') {
        await handle.writes;
        // Said again at close, which every client checks.
        if (handle.failed) throw tooLarge();
        await handle.fd.close();
        await portal.upload(account, handle.path, handle.file);
      }
    } finally {
      await discard(handle);
    }
    sftp.status(reqId, STATUS_CODE.OK);
  }));

  sftp.on('REMOVE', (reqId, path) => answer(reqId, async () => {
    await portal.remove(account, homePath(path));
    sftp.status(reqId, STATUS_CODE.OK);
  }));

  sftp.on('MKDIR', (reqId, path) => answer(reqId, async () => {
    await portal.makeDirectory(account, homePath(path));
    sftp.status(reqId, STATUS_CODE.OK);
  }));

  sftp.on('RMDIR', (reqId, path) => answer(reqId, async () => {
    await portal.removeDirectory(account, homePath(path));
    sftp.status(reqId, STATUS_CODE.OK);
  }));

  sftp.on('RENAME', (reqId, from, to) => answer(reqId, async () => {
    await portal.rename(account, homePath(from), homePath(to));
    sftp.status(reqId, STATUS_CODE.OK);
  }));

  // A link could point out of the home: none can be made, none exists.
  sftp.on('SYMLINK', (reqId) => sftp.status(reqId, STATUS_CODE.PERMISSION_DENIED, t(LANG, 'sftp.server.symlink')));
  sftp.on('READLINK', (reqId) => sftp.status(reqId, STATUS_CODE.FAILURE, t(LANG, 'sftp.server.symlink')));

  // The client is done (channel EOF): close our side too, or OpenSSH's sftp waits for ever.
  sftp.on('end', () => sftp.end());
  // A client gone mid-transfer: its temporary files go, nothing half-written is stored.
  sftp.on('close', () => {
    for (const handle of handles.values()) void discard(handle);
    handles.clear();
  });
}
