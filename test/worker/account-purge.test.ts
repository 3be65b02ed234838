import { createExecutionContext, createScheduledController, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/src/index';
import { createUser } from './accounts-fixtures';
import { count, insertOrganization } from './account-helpers';

const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

async function runCron(): Promise<void> {
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '7 * * * *' }), env, createExecutionContext());
}

async function request(id: string, userId: string, organizationId: string, kind: string, createdAt: string, status = 'pending'): Promise<void> {
  await env.DB.prepare('INSERT INTO role_requests (id, user_id, organization_id, kind, status, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(id, userId, organizationId, kind, status, createdAt).run();
}

describe('hourly purge (cron trigger)', () => {
  it('deletes accounts left unconfirmed past 48 hours with the organisation they asked for, and keeps younger ones', async () => {
    const old = await createUser({ username: 'ancien', confirmed: false });
    const young = await createUser({ username: 'recent', confirmed: false });
    await env.DB.prepare('UPDATE users SET created_at = ? WHERE id = ?').bind(ago(49 * HOUR), old.id).run();
    await env.DB.prepare('UPDATE users SET created_at = ? WHERE id = ?').bind(ago(47 * HOUR), young.id).run();
    const asked = await insertOrganization({ legalName: 'Demandée par un inconnu', active: false });
    await request('r-old', old.id, asked, 'organization', ago(49 * HOUR));

    await runCron();
    expect(await count('SELECT 1 FROM users WHERE id = ?', old.id)).toBe(0);
    expect(await count('SELECT 1 FROM users WHERE id = ?', young.id)).toBe(1);
    expect(await count('SELECT 1 FROM organizations WHERE id = ?', asked)).toBe(0);
    const audit = await env.DB.prepare("SELECT actor, detail FROM audit_log WHERE action = 'purge'").first<{ actor: string; detail: string }>();
    expect(audit!.actor).toBe('system');
    expect(JSON.parse(audit!.detail)).toMatchObject({ accountsDeleted: 1, organizationsDeleted: 1, requestsCancelled: 1 });
  });

  it('cancels requests pending for more than 30 days and removes refused or abandoned organisations holding no dataset', async () => {
    const user = await createUser({ username: 'patient' });
    const active = await insertOrganization({ legalName: 'Commune active' });
    const refused = await insertOrganization({ legalName: 'Refusée', active: false });
    const waiting = await insertOrganization({ legalName: 'En attente', active: false });
    const withData = await insertOrganization({ legalName: 'Refusée mais publiée', active: false });
    await request('stale', user.id, active, 'contributor', ago(31 * 24 * HOUR));
    await request('fresh', user.id, active, 'referent', ago(29 * 24 * HOUR));
    await request('refused', user.id, refused, 'organization', ago(2 * HOUR), 'refused');
    await request('waiting', user.id, waiting, 'organization', ago(2 * HOUR));
    await request('with-data', user.id, withData, 'organization', ago(2 * HOUR), 'refused');
    const now = new Date().toISOString();
    await env.DB.prepare(
      `INSERT INTO datasets (id, slug, title, organization_id, licence_id, date_created, date_modified, date_published, created_at, updated_at)
       VALUES ('ds', 'ds', 'Jeu', ?, 'lov2', ?, ?, ?, ?, ?)`,
    ).bind(withData, now, now, now, now, now).run();

    await runCron();
    const statuses = await env.DB.prepare('SELECT id, status FROM role_requests ORDER BY id').all<{ id: string; status: string }>();
    expect(Object.fromEntries(statuses.results.map((r) => [r.id, r.status]))).toEqual({
      fresh: 'pending', stale: 'cancelled', waiting: 'pending', 'with-data': 'refused',
    });
    expect(await count('SELECT 1 FROM organizations WHERE id = ?', refused)).toBe(0);
    expect(await count('SELECT 1 FROM organizations WHERE id IN (?, ?, ?)', active, waiting, withData)).toBe(3);
  });

  it('deletes expired sessions, expired mail links and day-old rate-limit counters', async () => {
    const user = await createUser({ username: 'session' });
    await env.DB.batch([
      env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ('expired', ?, ?, ?)").bind(user.id, ago(40 * 24 * HOUR), ago(HOUR)),
      env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ('live', ?, ?, ?)").bind(user.id, ago(HOUR), ago(-HOUR)),
      env.DB.prepare("INSERT INTO account_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ('old', ?, 'reset_password', ?, ?)").bind(user.id, ago(3 * HOUR), ago(2 * HOUR)),
      env.DB.prepare("INSERT INTO account_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ('new', ?, 'reset_password', ?, ?)").bind(user.id, ago(0), ago(-HOUR)),
      env.DB.prepare("INSERT INTO rate_limits (key, window_start, count) VALUES ('old', ?, 3)").bind(Math.floor((Date.now() - 25 * HOUR) / 1000)),
      env.DB.prepare("INSERT INTO rate_limits (key, window_start, count) VALUES ('new', ?, 3)").bind(Math.floor(Date.now() / 1000)),
    ]);
    await runCron();
    expect((await env.DB.prepare('SELECT id FROM sessions').all<{ id: string }>()).results.map((r) => r.id)).toEqual(['live']);
    expect((await env.DB.prepare('SELECT token_hash FROM account_tokens').all<{ token_hash: string }>()).results.map((r) => r.token_hash)).toEqual(['new']);
    expect((await env.DB.prepare('SELECT key FROM rate_limits').all<{ key: string }>()).results.map((r) => r.key)).toEqual(['new']);
    expect(await count("SELECT 1 FROM audit_log WHERE action = 'purge'")).toBe(0);
  });

  it('reads its delays from ACCOUNT_PURGE_HOURS and REQUEST_PURGE_DAYS', async () => {
    const user = await createUser({ username: 'reglable', confirmed: false });
    await env.DB.prepare('UPDATE users SET created_at = ? WHERE id = ?').bind(ago(3 * HOUR), user.id).run();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '7 * * * *' }), { ...env, ACCOUNT_PURGE_HOURS: '2' }, createExecutionContext());
    expect(await count('SELECT 1 FROM users WHERE id = ?', user.id)).toBe(0);
  });
});
