// Subscriptions (issue 5): follow a dataset, an organisation or a thématique; followers are told when a followed
// dataset changes or gains a resource, or a dataset appears in a followed organisation or thématique, whatever path
// published it (the check runs after each batch of rebuild messages); immediately or in the daily digest; every
// mail carries a one-click unsubscribe link; nobody reads or changes another user's subscriptions.
import { createExecutionContext, createMessageBatch, createScheduledController, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/src/index';
import type { JobMessage } from '../../worker/src/store/queue';
import { anonymousCookie, createUser, ORIGIN, setCookies, signedInCookie } from './accounts-fixtures';
import { createThroughForm, datasetFields, get, mailsTo, post, THEME_TRANSPORT, world } from './publish-datasets-fixtures';

/** What the queue consumer does after publishes: one batch with a rebuild message. */
async function afterPublish(): Promise<void> {
  const batch = createMessageBatch<JobMessage>('portail-jobs', [{ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: { type: 'rebuild', changeId: 1 } }]);
  await worker.queue!(batch, env);
}

async function hourly(at: string): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime: new Date(at), cron: '0 * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function toggle(userId: string, type: string, id: string, action: 'follow' | 'unfollow'): Promise<Response> {
  const cookie = await signedInCookie(userId);
  const state = await SELF.fetch(`${ORIGIN}/api/participation/follow?type=${type}&id=${id}`, { headers: { cookie } });
  expect(state.status).toBe(200);
  const { csrf } = await state.json<{ csrf: string }>();
  return SELF.fetch(`${ORIGIN}/api/participation/follow`, {
    method: 'POST', headers: { origin: ORIGIN, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ type, id, action, _csrf: csrf }),
  });
}

const follower = () => createUser({ username: 'curieuse', email: 'curieuse@example.org' });
const notices = async (email: string) => (await mailsTo(email)).filter((m) => m.template.startsWith('follow_'));

describe('follow and notifications', () => {
  it('an organisation: a dataset published in it by the form reaches the follower at once, once, with an unsubscribe link that works', async () => {
    const w = await world();
    const reader = await follower();
    const response = await toggle(reader.id, 'organization', w.lodeve, 'follow');
    expect(await response.json()).toEqual({ following: true });
    await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    await afterPublish();
    await afterPublish();
    const mails = await notices(reader.email);
    expect(mails.map((m) => m.subject)).toEqual(['Nouveau jeu de données : Arrêts de bus de Lodève']);
    expect(mails[0]!.body_text).toContain('http://localhost:8787/dataset/arrets-de-bus-de-lodeve');
    const link = /(\/user\/subscriptions\/unsubscribe\?token=[a-z2-7]+)/.exec(mails[0]!.body_text)![1]!;

    // One click: the page (no sign-in) and its button.
    const page = await SELF.fetch(`${ORIGIN}${link}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Commune de Lodève');
    const csrf = setCookies(page).get('__Host-csrf') ?? 'abcdefghijklmnopqrstuvwxyz234567';
    const token = new URL(`${ORIGIN}${link}`).searchParams.get('token')!;
    const done = await SELF.fetch(`${ORIGIN}/user/subscriptions/unsubscribe`, {
      method: 'POST', headers: { origin: ORIGIN, cookie: `__Host-csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, _csrf: csrf }),
    });
    expect(await done.text()).toContain('vous ne recevrez plus ces courriels');
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM subscriptions').first('n')).toBe(0);
  });

  it('a thématique: a dataset appearing through another path (a direct catalogue write, as an import does) is noticed too', async () => {
    const w = await world();
    const reader = await follower();
    await toggle(reader.id, 'theme', THEME_TRANSPORT, 'follow');
    const id = await createThroughForm(w.contributor, w.lodeve, { state: 'draft' });
    await afterPublish();
    expect(await notices(reader.email)).toEqual([]);
    await env.DB.prepare('UPDATE datasets SET published = 1, updated_at = ? WHERE id = ?').bind(new Date().toISOString(), id).run();
    await afterPublish();
    expect((await notices(reader.email)).map((m) => m.subject)).toEqual(['Nouveau jeu de données : Arrêts de bus de Lodève']);
  });

  it('a dataset followed daily: its update and new resource wait for the digest at 7 h (Paris), in one mail', async () => {
    const w = await world();
    const reader = await follower();
    const id = await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    await afterPublish();
    const form = await post('/user/subscriptions', [['type', 'dataset'], ['id', id], ['frequency', 'daily']], await signedInCookie(reader.id));
    expect(form.status).toBe(303);
    expect((await post(`/user/datasets/${id}/edit`, datasetFields(w.lodeve, { state: 'published', description: 'Mis à jour.' }), await signedInCookie(w.contributor.id))).status).toBe(303);
    await afterPublish();
    const now = new Date(Date.now() + 1000).toISOString();
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO resources (id, dataset_id, title, format, source_mode, source_url, created_at, modified_at) VALUES (?, ?, 'Horaires', 'CSV', 'url_reference', 'https://exemple.fr/h.csv', ?, ?)`)
        .bind(crypto.randomUUID(), id, now, now),
      env.DB.prepare('UPDATE datasets SET updated_at = ? WHERE id = ?').bind(now, id),
    ]);
    await afterPublish();
    expect(await notices(reader.email)).toEqual([]);
    await hourly('2026-01-15T09:00:00Z');
    expect(await notices(reader.email)).toEqual([]);
    await hourly('2026-01-15T06:00:00Z');
    const digest = await notices(reader.email);
    expect(digest.map((m) => m.template)).toEqual(['follow_digest']);
    expect(digest[0]!.body_text).toContain('Jeu de données mis à jour : Arrêts de bus de Lodève');
    expect(digest[0]!.body_text).toContain('Nouvelles ressources dans Arrêts de bus de Lodève : Horaires');
    expect(digest[0]!.body_text).toMatch(/Ne plus suivre « Arrêts de bus de Lodève » en un clic : http:\/\/localhost:8787\/user\/subscriptions\/unsubscribe\?token=/);
    await hourly('2026-01-16T06:00:00Z');
    expect(await notices(reader.email)).toHaveLength(1);
  });

  it('"Mes abonnements" lists only one’s own; another user can neither change nor delete them', async () => {
    const w = await world();
    const reader = await follower();
    const other = await createUser({ username: 'voisin', email: 'voisin@example.org' });
    await toggle(reader.id, 'organization', w.lodeve, 'follow');
    const subscription = (await env.DB.prepare('SELECT id FROM subscriptions').first<{ id: string }>())!.id;
    expect(await (await get('/user/subscriptions', reader.id)).text()).toContain('Commune de Lodève');
    expect(await (await get('/user/subscriptions', other.id)).text()).not.toContain('Commune de Lodève');
    const forged = await post(`/user/subscriptions/${subscription}`, [['action', 'unfollow']], await signedInCookie(other.id));
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('Cet abonnement n’est pas le vôtre.');
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM subscriptions').first('n')).toBe(1);
    expect((await post(`/user/subscriptions/${subscription}`, [['action', 'unfollow']], await signedInCookie(reader.id))).status).toBe(303);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM subscriptions').first('n')).toBe(0);
  });

  it('bad input: anonymous toggle asks to sign in, forged CSRF refused, unknown target 404, a draft cannot be followed', async () => {
    const w = await world();
    const reader = await follower();
    const anonymous = await SELF.fetch(`${ORIGIN}/api/participation/follow`, {
      method: 'POST', headers: { origin: ORIGIN, cookie: anonymousCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ type: 'organization', id: w.lodeve, action: 'follow' }),
    });
    expect(anonymous.status).toBe(401);
    const page = await get(`/user/subscriptions/new?type=organization&id=${w.lodeve}`);
    expect(page.headers.get('location')).toMatch(/^\/user\/login\?next=/);
    const forged = await SELF.fetch(`${ORIGIN}/api/participation/follow`, {
      method: 'POST', headers: { origin: ORIGIN, cookie: await signedInCookie(reader.id), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ type: 'organization', id: w.lodeve, action: 'follow', _csrf: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz' }),
    });
    expect(forged.status).toBe(403);
    const draft = await createThroughForm(w.contributor, w.lodeve, { state: 'draft' });
    expect((await get(`/user/subscriptions/new?type=dataset&id=${draft}`, reader.id)).status).toBe(404);
    expect((await get('/user/subscriptions/new?type=user&id=x', reader.id)).status).toBe(404);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM subscriptions').first('n')).toBe(0);
  });
});
