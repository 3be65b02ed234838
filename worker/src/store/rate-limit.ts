// Fixed-window counters in D1. One UPSERT per attempt: atomic, so parallel attempts cannot slip through.
export interface RateLimit {
  /** Attempts allowed per window. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitResult {
  allowed: boolean;
  retryAfterSeconds: number;
}

export async function hitRateLimit(db: D1Database, key: string, { limit, windowSeconds }: RateLimit, now = Date.now()):
  Promise<RateLimitResult> {
  const nowSeconds = Math.floor(now / 1000);
  const windowStart = nowSeconds - (nowSeconds % windowSeconds);
  const row = await db.prepare(
    `INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN window_start = ?2 THEN count + 1 ELSE 1 END,
       window_start = ?2
     RETURNING count`,
  ).bind(key, windowStart).first<{ count: number }>();
  const count = row?.count ?? 1;
  return { allowed: count <= limit, retryAfterSeconds: windowStart + windowSeconds - nowSeconds };
}

/** Several limits at once (e.g. per account and per IP): every counter is incremented, the strictest answers. */
export async function hitRateLimits(db: D1Database, checks: ReadonlyArray<{ key: string; limit: RateLimit }>, now = Date.now()):
  Promise<RateLimitResult> {
  const results = await Promise.all(checks.map((c) => hitRateLimit(db, c.key, c.limit, now)));
  const refused = results.filter((r) => !r.allowed);
  if (refused.length === 0) return { allowed: true, retryAfterSeconds: 0 };
  return { allowed: false, retryAfterSeconds: Math.max(...refused.map((r) => r.retryAfterSeconds)) };
}

/**
 * Whether any counter already reached its limit in the current window, without counting an attempt: for limits
 * that count failures only (hitRateLimits after a failure), so that legitimate repeated sign-ins never lock out.
 */
export async function rateLimitsReached(db: D1Database, checks: ReadonlyArray<{ key: string; limit: RateLimit }>, now = Date.now()):
  Promise<RateLimitResult> {
  const nowSeconds = Math.floor(now / 1000);
  const rows = await db.prepare(`SELECT key, window_start, count FROM rate_limits WHERE key IN (${checks.map(() => '?').join(',')})`)
    .bind(...checks.map((c) => c.key)).all<{ key: string; window_start: number; count: number }>();
  let retryAfterSeconds = 0;
  for (const { key, limit } of checks) {
    const row = rows.results.find((r) => r.key === key);
    const windowStart = nowSeconds - (nowSeconds % limit.windowSeconds);
    if (row && row.window_start === windowStart && row.count >= limit.limit) {
      retryAfterSeconds = Math.max(retryAfterSeconds, windowStart + limit.windowSeconds - nowSeconds);
    }
  }
  return { allowed: retryAfterSeconds === 0, retryAfterSeconds };
}

export function deleteStaleRateLimitsStatement(db: D1Database, olderThanSeconds: number, now = Date.now()): D1PreparedStatement {
  return db.prepare('DELETE FROM rate_limits WHERE window_start < ?').bind(Math.floor(now / 1000) - olderThanSeconds);
}
