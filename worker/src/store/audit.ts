// The audit log: one row per decision (requests, revocations, exceptions, account changes, imports). Returned as a
// statement so it lands in the same D1 batch (transaction) as the change it records.
import type { Actor } from '../domain/permissions';

export function auditActor(actor: Actor | 'system'): string {
  if (actor === 'system') return 'system';
  if (actor.kind === 'user') return actor.id;
  return actor.kind;
}

export function auditStatement(
  db: D1Database,
  actor: Actor | 'system',
  action: string,
  object: { type: string; id: string } | null,
  detail: Record<string, unknown> = {},
): D1PreparedStatement {
  return db.prepare('INSERT INTO audit_log (at, actor, action, object_type, object_id, detail) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(new Date().toISOString(), auditActor(actor), action, object?.type ?? null, object?.id ?? null, JSON.stringify(detail));
}
