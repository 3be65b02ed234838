// Resource files in R2: streamed in (never the whole file in memory), hashed on the way, then judged from their
// stored bytes (head and zip directory read with range requests).
import {
  checkZipEntries, contradictsExtension, detectFormat, extensionOf, HEAD_BYTES, isZip, locateCentralDirectory, parseCentralDirectory,
  ZIP_TAIL_BYTES, type ZipProblem,
} from '../domain/format-detect';
import { FORMATS } from '../domain/vocabulary';
import type { Env } from '../env';

/** R2 multipart part size: every part but the last must have the same size (and at least 5 MiB). */
export const PART_SIZE = 8 * 1024 * 1024;
const DEFAULT_MAX_BYTES = 100 * 1000 * 1000;

export function maxUploadBytes(env: Env): number {
  const value = Number(env.UPLOAD_MAX_BYTES);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_BYTES;
}

export class FileTooLarge extends Error {}

export interface StoredFile {
  size: number;
  sha256: string;
}

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * Streams `stream` into R2 at `key`, hashing it. At most one part (8 MiB) is held in memory: small files are one
 * put, larger ones a multipart upload. Past `maxBytes` nothing is kept and FileTooLarge is thrown.
 */
export async function storeStream(bucket: R2Bucket, key: string, stream: ReadableStream<Uint8Array>, maxBytes: number, contentType: string): Promise<StoredFile> {
  const digest = new crypto.DigestStream('SHA-256');
  const hashWriter = digest.getWriter();
  const reader = stream.getReader();
  let multipart: R2MultipartUpload | null = null;
  const parts: R2UploadedPart[] = [];
  let pending: Uint8Array[] = [];
  let pendingLength = 0;
  let total = 0;
  const flush = async (length: number) => {
    const all = concat(pending, pendingLength);
    multipart ??= await bucket.createMultipartUpload(key, { httpMetadata: { contentType } });
    parts.push(await multipart.uploadPart(parts.length + 1, all.subarray(0, length)));
    const rest = all.subarray(length);
    pending = rest.length ? [rest] : [];
    pendingLength = rest.length;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) throw new FileTooLarge();
      await hashWriter.write(value);
      pending.push(value);
      pendingLength += value.length;
      while (pendingLength >= PART_SIZE) await flush(PART_SIZE);
    }
    if (multipart) {
      if (pendingLength > 0) await flush(pendingLength);
      await (multipart as R2MultipartUpload).complete(parts);
    } else {
      await bucket.put(key, concat(pending, pendingLength), { httpMetadata: { contentType } });
    }
    await hashWriter.close();
    return { size: total, sha256: hex(await digest.digest) };
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (multipart) await (multipart as R2MultipartUpload).abort().catch(() => undefined);
    throw error;
  }
}

/** SHA-256 of a stored object, streamed (uploads assembled from browser parts are hashed once complete). */
export async function hashStoredObject(bucket: R2Bucket, key: string): Promise<StoredFile | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  const digest = new crypto.DigestStream('SHA-256');
  await object.body.pipeTo(digest);
  return { size: object.size, sha256: hex(await digest.digest) };
}

async function readRange(bucket: R2Bucket, key: string, offset: number, length: number): Promise<Uint8Array> {
  if (length <= 0) return new Uint8Array(0);
  const object = await bucket.get(key, { range: { offset, length } });
  return object ? new Uint8Array(await object.arrayBuffer()) : new Uint8Array(0);
}

export type FileProblem = ZipProblem | 'empty' | 'contradiction';

export type Judgement =
  | { ok: true; format: string | null; encoding: string | null }
  | { ok: false; problem: FileProblem; detected?: string | null };

/** Judges a stored file from its content: format, encoding, and the reasons to refuse it. */
export async function judgeStoredFile(bucket: R2Bucket, key: string, fileName: string, size: number): Promise<Judgement> {
  if (size === 0) return { ok: false, problem: 'empty' };
  const head = await readRange(bucket, key, 0, Math.min(size, HEAD_BYTES));
  let zipEntries;
  if (isZip(head)) {
    const tailOffset = Math.max(0, size - ZIP_TAIL_BYTES);
    const location = locateCentralDirectory(await readRange(bucket, key, tailOffset, size - tailOffset), tailOffset);
    if (!location || location.offset + location.size > size) return { ok: false, problem: 'zip_invalid' };
    if (location.entries > 10_000) return { ok: false, problem: 'zip_too_many_entries' };
    zipEntries = parseCentralDirectory(await readRange(bucket, key, location.offset, location.size), location.entries);
    if (!zipEntries) return { ok: false, problem: 'zip_invalid' };
    const problem = checkZipEntries(zipEntries, size);
    if (problem) return { ok: false, problem };
  }
  const detection = detectFormat({ fileName, head, size, zipEntries });
  if (contradictsExtension(fileName, detection.format)) return { ok: false, problem: 'contradiction', detected: detection.format };
  return { ok: true, ...detection };
}

/**
 * The media type a file is stored and served with, from its extension: objects are written before their content is
 * judged, and a content contradicting its extension is refused, so the extension's type is the right family.
 */
export function mediaTypeFromName(fileName: string): string {
  const extension = extensionOf(fileName);
  return FORMATS.find((f) => f.extensions.includes(extension))?.mediaType ?? 'application/octet-stream';
}

/** A file name safe as the last segment of an R2 key and a download URL. */
export function safeFileName(name: string, fallback = 'fichier'): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|?*:]/g, '').trim().slice(0, 200);
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : fallback;
}
