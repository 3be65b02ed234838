// Who is asking. Sessions and API tokens come with the accounts issue; today a request is either the
// portal's own tooling (operator bearer token) or an anonymous visitor.
import { ANONYMOUS, type Actor } from '../domain/permissions';
import type { Env } from '../env';

function bearer(request: Request): string | null {
  const header = request.headers.get('authorization');
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1]! : null;
}

function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  if (a.byteLength !== b.byteLength) return false;
  return crypto.subtle.timingSafeEqual(a, b);
}

export async function resolveActor(request: Request, env: Env): Promise<Actor> {
  const token = bearer(request);
  if (token && env.OPERATOR_TOKEN && sameSecret(token, env.OPERATOR_TOKEN)) return { kind: 'operator' };
  return ANONYMOUS;
}
