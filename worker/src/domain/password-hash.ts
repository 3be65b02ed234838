// Password hashing with scrypt (@noble/hashes), stored as a self-describing string so parameters can be raised
// later without invalidating existing hashes. Parameters were measured in workerd: see docs/decisions.md.
import { scrypt } from '@noble/hashes/scrypt.js';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

// OWASP's scrypt equivalents: N=2^14, r=8, p=5 is 16 MiB per hash, well within a Worker's 128 MiB.
export const PASSWORD_PARAMS: ScryptParams = { logN: 14, r: 8, p: 5 };
const KEY_LENGTH = 32;
const PREFIX = '$scrypt$';

export async function hashPassword(password: string, params: ScryptParams = PASSWORD_PARAMS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await derive(password, salt, params);
  return `${PREFIX}ln=${params.logN},r=${params.r},p=${params.p}$${encodeBase64(salt)}$${encodeBase64(key)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return constantTimeEqual(key, parsed.key);
}

/** True when a stored hash uses other parameters than today's: rehash it at the next login. */
export function needsRehash(stored: string, params: ScryptParams = PASSWORD_PARAMS): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.logN !== params.logN || parsed.params.r !== params.r || parsed.params.p !== params.p;
}

/**
 * Parameters from configuration (`ln=14,r=8,p=5`); the Worker tests lower them because Vite's module transform
 * makes pure-JS scrypt several times slower there than in production workerd.
 */
export function scryptParams(setting: string | undefined): ScryptParams {
  const match = setting && /^ln=(\d+),r=(\d+),p=(\d+)$/.exec(setting.trim());
  if (!match) return PASSWORD_PARAMS;
  return { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
}

function derive(password: string, salt: Uint8Array, { logN, r, p }: ScryptParams): Promise<Uint8Array> {
  return Promise.resolve(scrypt(password.normalize('NFKC'), salt, { N: 2 ** logN, r, p, dkLen: KEY_LENGTH }));
}

function parse(stored: string): { params: ScryptParams; salt: Uint8Array; key: Uint8Array } | null {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!match) return null;
  return {
    params: { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) },
    salt: decodeBase64(match[4]!),
    key: decodeBase64(match[5]!),
  };
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
