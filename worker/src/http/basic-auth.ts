// HTTP Basic authentication, accepted only on the OGC services and tiles (/maps/, /tiles/), where desktop GIS
// clients cannot hold a session: the portal username or e-mail with the password, or any username with an API
// token as the password. Clients send the credentials with every request (GDAL pages a WFS layer in hundreds of
// requests), so a verified password is remembered for a few minutes in the isolate, by its SHA-256 only (tokens
// are looked up every time: cheap, and a revoked token stops at once).
import type { Actor } from '../domain/permissions';
import { hashPassword, scryptParams, verifyPassword } from '../domain/password-hash';
import type { Env } from '../env';
import { findApiTokenUser, findUserById, findUserByLogin, loadUserActor } from '../store/users';
import { hitRateLimits, rateLimitsReached } from '../store/rate-limit';
import { clientIp, LOGIN_LIMITS } from './account/limits';

const BASIC_PATHS = /^\/(maps|tiles)\//;
const VERIFIED_TTL_MS = 5 * 60 * 1000;
const MAX_VERIFIED = 1000;
const verified = new Map<string, { userId: string; until: number }>();
let decoyHash: Promise<string> | undefined;

export const isBasicAuthPath = (request: Request): boolean => BASIC_PATHS.test(new URL(request.url).pathname);

export function readBasicCredentials(request: Request): { login: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  if (!match) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function fingerprint(login: string, password: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${login}\u0000${password}`));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The actor behind Basic credentials, or null when they are wrong (the caller answers 401 with a challenge). */
export async function basicActor(request: Request, env: Env, credentials: { login: string; password: string }): Promise<Actor | null> {
  const key = await fingerprint(credentials.login, credentials.password);
  const known = verified.get(key);
  if (known && known.until > Date.now()) {
    const user = await findUserById(env.DB, known.userId);
    if (user?.password_hash) return loadUserActor(env.DB, user);
  }

  const token = await findApiTokenUser(env.DB, credentials.password);
  if (token) {
    return loadUserActor(env.DB, token.user, token.scope === 'read');
  }
  const account = credentials.login.trim().toLowerCase();
  const checks = [
    { key: `login:ip:${clientIp(request)}`, limit: LOGIN_LIMITS.perIp },
    { key: `login:account:${account}`, limit: LOGIN_LIMITS.perAccount },
  ];
  if (!account || !(await rateLimitsReached(env.DB, checks)).allowed) return null;
  const user = await findUserByLogin(env.DB, credentials.login);
  const hash = user?.password_hash ?? (await (decoyHash ??= hashPassword('decoy password', scryptParams(env.PASSWORD_SCRYPT))));
  const valid = (await verifyPassword(credentials.password, hash)) && !!user?.password_hash && !!user.email_confirmed_at;
  if (!valid || !user) {
    await hitRateLimits(env.DB, checks);
    return null;
  }
  // Bounded: expired entries go first, then the oldest.
  if (verified.size >= MAX_VERIFIED) {
    for (const [k, v] of verified) if (v.until <= Date.now()) verified.delete(k);
    if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
  }
  verified.set(key, { userId: user.id, until: Date.now() + VERIFIED_TTL_MS });
  return loadUserActor(env.DB, user);
}
