// Internal endpoints of the SFTP server (scripts/sftp/): it holds the operator token and asks the Worker to check
// portal credentials and to read and write users' homes in R2. Paths arrive resolved by the server and are
// checked again here: anything that is not a plain path inside the home is refused and changes nothing.
import type { IRequest } from 'itty-router';
import { maxFileBytes, parsePublicKeyLine, strictHomePath } from '../../domain/sftp';
import { hashPassword, scryptParams, verifyPassword } from '../../domain/password-hash';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { hitRateLimits, rateLimitsReached, type RateLimit } from '../../store/rate-limit';
import { findSftpKey } from '../../store/sftp-keys';
import {
  depositKey, listDepositDirectory, makeDepositDirectory, moveDeposit, removeDepositDirectory, statDeposit, type HomeEntry,
} from '../../store/sftp-files';
import { findUserById, findUserByLogin } from '../../store/users';
import { formatBytes } from '../../../../site/lib/format';
import { resolveActor } from '../actor';
import { json, problem } from '../respond';

const LANG = 'fr';
const QUARTER_HOUR = 15 * 60;

// Wrong passwords are limited like the sign-in form's attempts, but only failures count: FileZilla opens several
// connections at once and scripts sign in every few minutes. Key lookups are limited per address only, since a
// client offers each key of its agent in turn and a public key guesses nothing.
export const SFTP_LIMITS = {
  passwordPerAccount: { limit: 10, windowSeconds: QUARTER_HOUR },
  passwordPerIp: { limit: 50, windowSeconds: QUARTER_HOUR },
  keyPerIp: { limit: 300, windowSeconds: QUARTER_HOUR },
} satisfies Record<string, RateLimit>;

// The operator is the only caller; checked here rather than in can(), which decides what people may do.
async function isOperator(request: Request, env: Env): Promise<boolean> {
  return (await resolveActor(request, env)).kind === 'operator';
}

const forbidden = () => problem(403, t(LANG, 'api.operatorTokenInvalid'));

interface AuthRequest {
  username: string;
  clientIp: string;
  password?: string;
  publicKey?: string;
}

function readAuthRequest(body: unknown): AuthRequest | null {
  if (typeof body !== 'object' || body === null) return null;
  const { username, clientIp, password, publicKey } = body as Record<string, unknown>;
  if (typeof username !== 'string' || typeof clientIp !== 'string' || clientIp.length > 100) return null;
  if ((typeof password === 'string') === (typeof publicKey === 'string')) return null;
  return { username, clientIp, password: password as string | undefined, publicKey: publicKey as string | undefined };
}

// Verifying against a real hash when the account does not exist keeps both answers equally slow.
let decoyHash: Promise<string> | null = null;

/**
 * POST /api/internal/sftp/auth `{ username, clientIp, password }` or `{ username, clientIp, publicKey }` (an
 * OpenSSH public key line): 200 `{ userId, username, maxFileBytes, publicKey? }` for a confirmed account whose
 * password matches or who registered that key; the SFTP server then verifies the client's signature.
 */
export async function sftpAuthHandler(request: IRequest, env: Env): Promise<Response> {
  if (!(await isOperator(request, env))) return forbidden();
  const auth = readAuthRequest(await request.json().catch(() => null));
  if (!auth) return problem(400, t(LANG, 'sftp.api.badRequest'));
  const account = auth.username.trim().toLowerCase();
  const passwordChecks = [
    { key: `sftp:ip:${auth.clientIp}`, limit: SFTP_LIMITS.passwordPerIp },
    { key: `sftp:account:${account}`, limit: SFTP_LIMITS.passwordPerAccount },
  ];
  const limit = auth.password !== undefined
    ? await rateLimitsReached(env.DB, passwordChecks)
    : await hitRateLimits(env.DB, [{ key: `sftp-key:ip:${auth.clientIp}`, limit: SFTP_LIMITS.keyPerIp }]);
  if (!limit.allowed) {
    const minutes = Math.max(1, Math.ceil(limit.retryAfterSeconds / 60));
    return problem(429, t(LANG, 'sftp.auth.rateLimited', { minutes }));
  }
  const user = account ? await findUserByLogin(env.DB, auth.username) : null;
  const failed = () => problem(401, t(LANG, 'sftp.auth.failed'));
  let publicKey: string | undefined;
  if (auth.password !== undefined) {
    const hash = user?.password_hash ?? (await (decoyHash ??= hashPassword('decoy password', scryptParams(env.PASSWORD_SCRYPT))));
    if (!(await verifyPassword(auth.password, hash)) || !user?.password_hash) {
      await hitRateLimits(env.DB, passwordChecks);
      return failed();
    }
  } else {
    const parsed = parsePublicKeyLine(auth.publicKey!);
    if (!('key' in parsed) || !user) return failed();
    const stored = await findSftpKey(env.DB, user.id, parsed.key.blobBase64);
    if (!stored) return failed();
    publicKey = `${stored.key_type} ${stored.public_key}`;
  }
  if (!user.email_confirmed_at) return problem(403, t(LANG, 'sftp.auth.unconfirmed'));
  return json({ userId: user.id, username: user.username, maxFileBytes: maxFileBytes(env.SFTP_MAX_FILE_BYTES), publicKey });
}

interface Home {
  userId: string;
  /** Relative to the home, '' for the home itself. */
  path: string;
}

type HomeHandler = (request: IRequest, env: Env, home: Home) => Promise<Response>;

/** Operator token, a known account, and a plain path inside its home; then the operation. */
function homeRoute(handler: HomeHandler) {
  return async (request: IRequest, env: Env): Promise<Response> => {
    if (!(await isOperator(request, env))) return forbidden();
    const user = await findUserById(env.DB, request.params.userId ?? '');
    if (!user) return problem(404, t(LANG, 'sftp.api.unknownUser'));
    const path = strictHomePath(typeof request.query.path === 'string' ? request.query.path : '');
    if (path === null) return problem(403, t(LANG, 'sftp.path.outsideHome'));
    return handler(request, env, { userId: user.id, path });
  };
}

function entryJson(entry: HomeEntry) {
  return entry.directory
    ? { name: entry.name, directory: true, size: 0, modified: entry.modified?.toISOString() ?? null }
    : { name: entry.name, directory: false, size: entry.size, modified: entry.modified.toISOString() };
}

const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/** A problem response when the directory that should hold `path` is missing or is a file. */
async function parentProblem(env: Env, home: Home, path: string): Promise<Response | null> {
  const parent = await statDeposit(env.DB, env.FILES, home.userId, parentOf(path));
  if (!parent) return problem(404, t(LANG, 'sftp.path.parentMissing'));
  if (!parent.directory) return problem(409, t(LANG, 'sftp.path.isFile'));
  return null;
}

const notFound = () => problem(404, t(LANG, 'sftp.path.notFound'));

export const sftpStatHandler = homeRoute(async (_request, env, home) => {
  const entry = await statDeposit(env.DB, env.FILES, home.userId, home.path);
  return entry ? json(entryJson(entry)) : notFound();
});

export const sftpListHandler = homeRoute(async (_request, env, home) => {
  const entries = await listDepositDirectory(env.DB, env.FILES, home.userId, home.path);
  if (entries) return json({ entries: entries.map(entryJson) });
  const entry = await statDeposit(env.DB, env.FILES, home.userId, home.path);
  return entry ? problem(409, t(LANG, 'sftp.path.isFile')) : notFound();
});

export const sftpReadHandler = homeRoute(async (_request, env, home) => {
  const key = depositKey(home.userId, home.path);
  const object = key && (await env.FILES.get(key));
  if (!object) return home.path === '' ? problem(409, t(LANG, 'sftp.path.isDirectory')) : notFound();
  return new Response(object.body, { headers: { 'content-length': String(object.size), 'content-type': 'application/octet-stream' } });
});

/** The body is streamed into R2; its length must be declared and within the limit before anything is stored. */
export const sftpWriteHandler = homeRoute(async (request, env, home) => {
  const declared = request.headers.get('content-length');
  const length = declared === null ? NaN : Number(declared);
  if (!Number.isSafeInteger(length) || length < 0) return problem(411, t(LANG, 'sftp.file.lengthRequired'));
  const limit = maxFileBytes(env.SFTP_MAX_FILE_BYTES);
  if (length > limit) return problem(413, t(LANG, 'sftp.file.tooLarge', { size: formatBytes(LANG, limit) }));
  const key = depositKey(home.userId, home.path);
  const existing = await statDeposit(env.DB, env.FILES, home.userId, home.path);
  if (!key || existing?.directory) return problem(409, t(LANG, 'sftp.path.isDirectory'));
  const parent = await parentProblem(env, home, home.path);
  if (parent) return parent;
  const stored = await env.FILES.put(key, length === 0 ? '' : request.body);
  return json(entryJson({ name: home.path.split('/').pop()!, directory: false, size: stored!.size, modified: stored!.uploaded }), { status: 201 });
});

export const sftpRemoveHandler = homeRoute(async (_request, env, home) => {
  if (home.path === '') return problem(403, t(LANG, 'sftp.path.home'));
  const entry = await statDeposit(env.DB, env.FILES, home.userId, home.path);
  if (!entry) return notFound();
  if (entry.directory) return problem(409, t(LANG, 'sftp.path.isDirectory'));
  await env.FILES.delete(depositKey(home.userId, home.path)!);
  return new Response(null, { status: 204 });
});

export const sftpMakeDirectoryHandler = homeRoute(async (_request, env, home) => {
  if (home.path === '' || (await statDeposit(env.DB, env.FILES, home.userId, home.path))) return problem(409, t(LANG, 'sftp.path.exists'));
  const parent = await parentProblem(env, home, home.path);
  if (parent) return parent;
  await makeDepositDirectory(env.DB, home.userId, home.path);
  return new Response(null, { status: 201 });
});

export const sftpRemoveDirectoryHandler = homeRoute(async (_request, env, home) => {
  if (home.path === '') return problem(403, t(LANG, 'sftp.path.home'));
  const entry = await statDeposit(env.DB, env.FILES, home.userId, home.path);
  if (!entry) return notFound();
  if (!entry.directory) return problem(409, t(LANG, 'sftp.path.isFile'));
  if (!(await removeDepositDirectory(env.DB, env.FILES, home.userId, home.path))) return problem(409, t(LANG, 'sftp.path.notEmpty'));
  return new Response(null, { status: 204 });
});

/** `?path=` is the source, `?to=` the destination; an existing destination is never replaced (SFTP v3 rename). */
export const sftpRenameHandler = homeRoute(async (request, env, home) => {
  const to = strictHomePath(typeof request.query.to === 'string' ? request.query.to : '');
  if (to === null) return problem(403, t(LANG, 'sftp.path.outsideHome'));
  if (home.path === '' || to === '') return problem(403, t(LANG, 'sftp.path.home'));
  const entry = await statDeposit(env.DB, env.FILES, home.userId, home.path);
  if (!entry) return notFound();
  if (await statDeposit(env.DB, env.FILES, home.userId, to)) return problem(409, t(LANG, 'sftp.path.exists'));
  if (entry.directory && to.startsWith(`${home.path}/`)) return problem(409, t(LANG, 'sftp.path.intoItself'));
  const parent = await parentProblem(env, home, to);
  if (parent) return parent;
  await moveDeposit(env.DB, env.FILES, home.userId, home.path, to);
  return new Response(null, { status: 204 });
});
