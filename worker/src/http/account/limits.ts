// Rate limits of the account forms, in one place so they can be read and tuned together.
import type { RateLimit } from '../../store/rate-limit';

const QUARTER_HOUR = 15 * 60;

export const LOGIN_LIMITS = {
  perAccount: { limit: 10, windowSeconds: QUARTER_HOUR },
  perIp: { limit: 50, windowSeconds: QUARTER_HOUR },
} satisfies Record<string, RateLimit>;

export const RESET_LIMITS = {
  perAccount: { limit: 3, windowSeconds: 60 * 60 },
  perIp: { limit: 20, windowSeconds: 60 * 60 },
} satisfies Record<string, RateLimit>;

/** Cloudflare's edge sets cf-connecting-ip; locally every request comes from the same machine. */
export function clientIp(request: Request): string {
  return request.headers.get('cf-connecting-ip') ?? 'local';
}
