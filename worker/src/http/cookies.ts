// Cookies of the portal. Over HTTPS they are Secure and `__Host-` prefixed (bound to this exact host); plain
// HTTP only happens on a developer's machine (wrangler dev), where browsers would drop Secure cookies.

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return null;
}

export function isSecure(request: Request): boolean {
  return new URL(request.url).protocol === 'https:';
}

/** `session` becomes `__Host-session` over HTTPS. */
export function cookieName(request: Request, base: string): string {
  return isSecure(request) ? `__Host-${base}` : base;
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie; absent makes a browser-session cookie. */
  maxAge?: number;
  /** Readable by page scripts (only for non-secret hints). */
  script?: boolean;
  sameSite?: 'Lax' | 'Strict';
}

export function serializeCookie(request: Request, base: string, value: string, options: CookieOptions = {}): string {
  const parts = [`${cookieName(request, base)}=${encodeURIComponent(value)}`, 'Path=/', `SameSite=${options.sameSite ?? 'Lax'}`];
  if (!options.script) parts.push('HttpOnly');
  if (isSecure(request)) parts.push('Secure');
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  return parts.join('; ');
}
