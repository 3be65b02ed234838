// Where a resource's file comes from: a URL fetched with the SSRF rules (every redirect re-checked), a file deposited
// over SFTP, or an upload. Each is streamed into a new version key, then judged; a refused file is removed at once.
import { checkFetchUrl, testAllowList, type FetchRefusal } from '../domain/ssrf';
import { extensionOf, ZIP_MAX_ENTRIES } from '../domain/format-detect';
import { formatInfo } from '../domain/vocabulary';
import type { Env } from '../env';
import { formatNumber, t, type MessageKey, type Params } from '../i18n';
import { resourceFileKey } from './files';
import { FileTooLarge, judgeStoredFile, maxUploadBytes, mediaTypeFromName, safeFileName, storeStream, type FileProblem, type Judgement } from './resource-files';
import type { NewVersion, SourceOrigin } from './resource-catalogue';
import { depositKey } from './sftp-files';

export interface Problem {
  key: MessageKey;
  params?: Params;
}

export const problemText = (problem: Problem) => t('fr', problem.key, problem.params);

export type Sourced = { ok: true; version: NewVersion; format: string | null } | { ok: false; problem: Problem };
/** The server answered 304 to the validators of the served version: nothing was downloaded or stored. */
export type NotModified = { ok: true; notModified: true };

/** "100 Mo" the way French users read sizes. */
export function formatSize(bytes: number): string {
  if (bytes >= 1000 ** 3) return `${formatNumber('fr', bytes / 1000 ** 3)} Go`;
  if (bytes >= 1000 ** 2) return `${formatNumber('fr', bytes / 1000 ** 2)} Mo`;
  if (bytes >= 1000) return `${formatNumber('fr', bytes / 1000)} ko`;
  return `${bytes} o`;
}

const FILE_PROBLEMS: Record<Exclude<FileProblem, 'contradiction'>, MessageKey> = {
  empty: 'resources.error.empty',
  zip_invalid: 'resources.error.zipInvalid',
  zip_too_many_entries: 'resources.error.zipTooManyEntries',
  zip_traversal: 'resources.error.zipTraversal',
  zip_bomb: 'resources.error.zipBomb',
};

function judgementProblem(fileName: string, judgement: Extract<Judgement, { ok: false }>): Problem {
  if (judgement.problem === 'contradiction') {
    const detected = judgement.detected ? formatInfo(judgement.detected)?.label ?? judgement.detected : t('fr', 'resources.error.unrecognised');
    return { key: 'resources.error.contradiction', params: { detected, extension: extensionOf(fileName) } };
  }
  return { key: FILE_PROBLEMS[judgement.problem], params: { max: ZIP_MAX_ENTRIES } };
}

export const tooLarge = (env: Env): Problem => ({ key: 'resources.error.tooLarge', params: { max: formatSize(maxUploadBytes(env)) } });

/** Streams into a new version of the resource and judges it; the object is removed if refused. */
export async function storeVersion(env: Env, resourceId: string, fileName: string, body: ReadableStream<Uint8Array>): Promise<Sourced> {
  const name = safeFileName(fileName);
  const versionId = crypto.randomUUID();
  const key = resourceFileKey(resourceId, versionId, name);
  let stored;
  try {
    stored = await storeStream(env.FILES, key, body, maxUploadBytes(env), mediaTypeFromName(name));
  } catch (error) {
    if (error instanceof FileTooLarge) return { ok: false, problem: tooLarge(env) };
    throw error;
  }
  return judgeVersion(env, { versionId, key, fileName: name, size: stored.size, sha256: stored.sha256 });
}

/** Judges a file already at its version key (stored by storeVersion or assembled from browser parts). */
export async function judgeVersion(env: Env, file: { versionId: string; key: string; fileName: string; size: number; sha256: string }): Promise<Sourced> {
  const judgement = await judgeStoredFile(env.FILES, file.key, file.fileName, file.size);
  if (!judgement.ok) {
    await env.FILES.delete(file.key);
    return { ok: false, problem: judgementProblem(file.fileName, judgement) };
  }
  const mediaType = mediaTypeFromName(file.fileName);
  return {
    ok: true,
    format: judgement.format,
    version: {
      versionId: file.versionId, key: file.key, fileName: file.fileName, mediaType, size: file.size, sha256: file.sha256, encoding: judgement.encoding, origin: null,
    },
  };
}

// ---- URLs ---------------------------------------------------------------------------------------------------------

const MAX_REDIRECTS = 5;
const FETCH_TIMEOUT_MS = 120_000; // IDGO's DATA_DOWNLOAD_TIMEOUT

const REFUSAL_KEYS: Record<FetchRefusal, MessageKey> = {
  invalid_url: 'resources.error.url.invalid_url',
  scheme: 'resources.error.url.scheme',
  credentials: 'resources.error.url.credentials',
  port: 'resources.error.url.port',
  local_name: 'resources.error.url.local_name',
  private_address: 'resources.error.url.private_address',
};

function refusalProblem(refusal: FetchRefusal, url: string): Problem {
  let host = url;
  let port = '';
  try {
    const parsed = new URL(url);
    host = parsed.hostname;
    port = parsed.port;
  } catch {
    // invalid URL: the message does not use them
  }
  return { key: REFUSAL_KEYS[refusal], params: { host, port } };
}

/** Checks a URL typed in a form (before anything is fetched). */
export function checkUrl(env: Env, url: string): Problem | null {
  const check = checkFetchUrl(url, testAllowList(env.ALLOW_PRIVATE_FETCH_FOR_TESTS));
  return check.ok ? null : refusalProblem(check.refusal, url);
}

/** The conditional request headers built from a previous download's validators (RFC 9110 §13.1). */
function conditionalHeaders(previous: SourceOrigin | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
  return headers;
}

type Checked = { ok: true; response: Response; finalUrl: URL } | { ok: false; problem: Problem } | NotModified;

/** GET with redirects followed by hand, each hop checked like the first URL; `conditional` headers go to every hop. */
async function fetchChecked(env: Env, url: string, conditional: Record<string, string> = {}): Promise<Checked> {
  const allowed = testAllowList(env.ALLOW_PRIVATE_FETCH_FOR_TESTS);
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const check = checkFetchUrl(current, allowed);
    if (!check.ok) {
      const problem = refusalProblem(check.refusal, current);
      return { ok: false, problem: hop === 0 ? problem : { key: 'resources.error.url.redirectRefused', params: { reason: problemText(problem) } } };
    }
    let response: Response;
    try {
      response = await fetch(check.url.href, {
        redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { 'user-agent': 'portail-geodata (synchronisation)', ...conditional },
      });
    } catch {
      return { ok: false, problem: { key: 'resources.error.url.network' } };
    }
    // 304 only answers a conditional request: without validators sent it stays an HTTP error below.
    if (response.status === 304 && Object.keys(conditional).length > 0) {
      await response.body?.cancel();
      return { ok: true, notModified: true };
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      await response.body?.cancel();
      current = new URL(response.headers.get('location')!, check.url).href;
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { ok: false, problem: { key: 'resources.error.url.httpStatus', params: { status: String(response.status) } } };
    }
    return { ok: true, response, finalUrl: check.url };
  }
  return { ok: false, problem: { key: 'resources.error.url.redirects', params: { max: MAX_REDIRECTS } } };
}

function fileNameFromResponse(response: Response, url: URL): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  let name = star ? star[1]! : plain ? plain[1]! : url.pathname.split('/').pop() ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep it encoded
  }
  return safeFileName(name);
}

/**
 * Downloads `url` into a new version, keeping the server's ETag and Last-Modified with it. With `previous` (the
 * served version's origin), the request is conditional, but only when that version came from this very URL.
 */
export async function storeFromUrl(env: Env, resourceId: string, url: string): Promise<Sourced>;
export async function storeFromUrl(env: Env, resourceId: string, url: string, previous: SourceOrigin | null): Promise<Sourced | NotModified>;
export async function storeFromUrl(env: Env, resourceId: string, url: string, previous: SourceOrigin | null = null): Promise<Sourced | NotModified> {
  const fetched = await fetchChecked(env, url, conditionalHeaders(previous?.url === url ? previous : null));
  if (!fetched.ok || 'notModified' in fetched) return fetched;
  const { response, finalUrl } = fetched;
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxUploadBytes(env)) {
    await response.body!.cancel();
    return { ok: false, problem: tooLarge(env) };
  }
  const stored = await storeVersion(env, resourceId, fileNameFromResponse(response, finalUrl), response.body!);
  if (!stored.ok) return stored;
  const origin = { url, etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified') };
  return { ...stored, version: { ...stored.version, origin } };
}

// ---- SFTP deposits ------------------------------------------------------------------------------------------------

export async function storeFromDeposit(env: Env, resourceId: string, userId: string, path: string): Promise<Sourced> {
  const key = depositKey(userId, path);
  if (!key) return { ok: false, problem: { key: 'resources.error.sftp.path' } };
  const object = await env.FILES.get(key);
  if (!object) return { ok: false, problem: { key: 'resources.error.sftp.missing', params: { path } } };
  if (object.size > maxUploadBytes(env)) {
    await object.body.cancel();
    return { ok: false, problem: tooLarge(env) };
  }
  return storeVersion(env, resourceId, path.split('/').pop() ?? path, object.body);
}
