// Every change to what the public catalogue shows is recorded, then a rebuild is queued with its id. Forms,
// the CKAN write API, imports and syncs all publish this way (the queue coalesces rebuilds).
import type { Env } from '../env';
import { enqueueRebuild } from './queue';

export function changeStatement(db: D1Database, reason: string, object: { type: string; id: string } | null, now = new Date()): D1PreparedStatement {
  return db.prepare('INSERT INTO catalogue_changes (changed_at, reason, object_type, object_id) VALUES (?, ?, ?, ?)')
    .bind(now.toISOString(), reason, object?.type ?? null, object?.id ?? null);
}

/** Queues the rebuild for a change recorded by `changeStatement` (pass its D1 result). */
export async function publishChange(env: Env, changeResult: D1Result): Promise<number> {
  const changeId = Number(changeResult.meta.last_row_id);
  await enqueueRebuild(env, changeId);
  return changeId;
}
