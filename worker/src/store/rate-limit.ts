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

export function deleteStaleRateLimitsStatement(db: D1Database, olderThanSeconds: number, now = Date.now()): D1PreparedStatement {
  return db.prepare('DELETE FROM rate_limits WHERE window_start < ?').bind(Math.floor(now / 1000) - olderThanSeconds);
}
