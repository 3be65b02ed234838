// Rules of the SFTP deposit, shared by the Worker and the SFTP server (Node): where a path leads inside a
// user's home, which SSH public keys a profile accepts and how they are shown, and the size limit of a file.
// The Worker cannot run ssh2, so keys are checked here by structure only; the SFTP server verifies signatures.
import { sha256 } from '@oslojs/crypto/sha2';
import { decodeBase64, encodeBase64NoPadding } from '@oslojs/encoding';
import type { MessageKey } from '../i18n';

export const DEFAULT_SFTP_PORT = 8322;
/** IDGO's DOWNLOAD_SIZE_LIMIT, 100 MB per deposited file (decimal, as sizes are shown) unless configured otherwise. */
export const DEFAULT_MAX_FILE_BYTES = 100_000_000;

export function maxFileBytes(setting: string | undefined): number {
  const value = Number(setting);
  return setting && Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_MAX_FILE_BYTES;
}

/**
 * Resolves a path as an SFTP client sends it (absolute from the home, which clients see as `/`, or relative to
 * it) into the segments of a path inside the home. Null when the path leaves the home (`..` above it) or holds
 * characters that could be read as another path elsewhere (backslashes, control characters): refused, not
 * clamped, so a client learns its mistake instead of writing somewhere unexpected.
 */
export function resolveHomePath(path: string): string[] | null {
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return null;
  const segments: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (segments.length === 0) return null;
      segments.pop();
      continue;
    }
    segments.push(part);
  }
  return segments;
}

/**
 * The Worker's endpoints take paths the SFTP server already resolved: any `..` is refused there rather than
 * resolved, so a path can only name what it spells. Returns the path relative to the home ('' for the home).
 */
export function strictHomePath(path: string): string | null {
  if (path.split('/').includes('..')) return null;
  const segments = resolveHomePath(path);
  return segments && homeRelativePath(segments);
}

/** The path a client sees for segments inside the home. */
export const clientPath = (segments: readonly string[]): string => `/${segments.join('/')}`;

/** The form the Worker's internal endpoints take: relative to the home, no leading slash, '' for the home. */
export const homeRelativePath = (segments: readonly string[]): string => segments.join('/');

export type SshKeyType = 'ssh-ed25519' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521' | 'ssh-rsa';

export interface SshPublicKey {
  type: SshKeyType;
  /** The key blob (RFC 4253 wire format), base64 as in the OpenSSH line. */
  blobBase64: string;
  /** OpenSSH's `SHA256:…` fingerprint of the blob, as `ssh-keygen -l` prints it. */
  fingerprint: string;
  bits: number;
  comment: string;
}

export const RSA_MIN_BITS = 2048;
export const KEY_NAME_MAX_LENGTH = 100;

const ECDSA_CURVES: Record<string, { curve: string; pointLength: number; bits: number }> = {
  'ecdsa-sha2-nistp256': { curve: 'nistp256', pointLength: 65, bits: 256 },
  'ecdsa-sha2-nistp384': { curve: 'nistp384', pointLength: 97, bits: 384 },
  'ecdsa-sha2-nistp521': { curve: 'nistp521', pointLength: 133, bits: 521 },
};

/** Reads the length-prefixed fields of an SSH wire-format blob (RFC 4251 §5). */
class WireReader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  field(): Uint8Array | null {
    if (this.offset + 4 > this.bytes.length) return null;
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 4);
    const length = view.getUint32(0);
    const start = this.offset + 4;
    if (start + length > this.bytes.length) return null;
    this.offset = start + length;
    return this.bytes.subarray(start, start + length);
  }

  get done(): boolean {
    return this.offset === this.bytes.length;
  }
}

const text = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : null);

/** Bit length of an unsigned big-endian integer (an mpint without its sign byte). */
function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

export function keyFingerprint(blob: Uint8Array): string {
  return `SHA256:${encodeBase64NoPadding(sha256(blob))}`;
}

/**
 * Parses one OpenSSH public key line (`type base64-blob [comment]`, the content of a `.pub` file): the type
 * must be one the portal accepts and agree with the blob, and RSA keys must have at least 2048 bits.
 */
export function parsePublicKeyLine(input: string): { key: SshPublicKey } | { problem: MessageKey } {
  const line = input.trim();
  if (line === '') return { problem: 'sftp.key.empty' };
  if (/PRIVATE KEY/.test(line)) return { problem: 'sftp.key.private' };
  if (line.includes('\n') || line.length > 16_384) return { problem: 'sftp.key.format' };
  const match = /^(\S+)\s+([A-Za-z0-9+/]+={0,2})(?:\s+(.*))?$/.exec(line);
  if (!match) return { problem: 'sftp.key.format' };
  const [, type, base64, comment = ''] = match;
  if (!isAcceptedType(type!)) return { problem: 'sftp.key.type' };
  let blob: Uint8Array;
  try {
    blob = decodeBase64(base64!);
  } catch {
    return { problem: 'sftp.key.format' };
  }
  const reader = new WireReader(blob);
  if (text(reader.field()) !== type) return { problem: 'sftp.key.format' };
  let bits: number;
  if (type === 'ssh-ed25519') {
    if (reader.field()?.length !== 32) return { problem: 'sftp.key.format' };
    bits = 256;
  } else if (type === 'ssh-rsa') {
    const exponent = reader.field();
    const modulus = reader.field();
    if (!exponent || !modulus || bitLength(exponent) === 0) return { problem: 'sftp.key.format' };
    bits = bitLength(modulus);
    if (bits < RSA_MIN_BITS) return { problem: 'sftp.key.rsaTooShort' };
  } else {
    // The curve name comes first, then the uncompressed point (0x04 ‖ X ‖ Y).
    const curve = ECDSA_CURVES[type]!;
    const name = text(reader.field());
    const q = reader.field();
    if (name !== curve.curve || !q || q.length !== curve.pointLength || q[0] !== 4) return { problem: 'sftp.key.format' };
    bits = curve.bits;
  }
  if (!reader.done) return { problem: 'sftp.key.format' };
  return { key: { type, blobBase64: base64!, fingerprint: keyFingerprint(blob), bits, comment: comment.trim() } };
}

function isAcceptedType(type: string): type is SshKeyType {
  return type === 'ssh-ed25519' || type === 'ssh-rsa' || type in ECDSA_CURVES;
}

export function keyNameProblem(name: string): MessageKey | null {
  if (name.trim() === '') return 'sftp.key.nameRequired';
  if (name.trim().length > KEY_NAME_MAX_LENGTH) return 'sftp.key.nameTooLong';
  return null;
}
