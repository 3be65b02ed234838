// Subscriptions (s'abonner) and what their followers are told. Every publishing path (forms, CKAN API, import,
// sync) ends in a rebuild message; after each batch of them, `notifyFollowers` compares the published datasets
// with the state last seen, so nothing depends on how the change was recorded. Immediate followers are mailed at
// once; daily ones get their events in the digest sent on the hourly trigger (DIGEST_HOUR_PARIS).
import type { FollowEvent, SubscriptionFrequency, SubscriptionTarget } from '../domain/participation-rules';
import type { Env } from '../env';
import { sendMails, type Mail } from '../mail/mailer';
import { digestMail, followMail, type FollowNotice } from '../mail/templates/participation';
import { generateSecret } from './sessions';

export interface FollowTarget {
  type: SubscriptionTarget;
  id: string;
  title: string;
  /** Public page of the followed object. */
  path: string;
}

/** A published dataset, an active organisation or a thématique; null otherwise (nothing else can be followed). */
export async function findFollowTarget(db: D1Database, type: SubscriptionTarget, id: string): Promise<FollowTarget | null> {
  if (type === 'dataset') {
    const row = await db.prepare(
      'SELECT d.id, d.slug, d.title FROM datasets d JOIN organizations o ON o.id = d.organization_id WHERE (d.id = ?1 OR d.slug = ?1) AND d.published = 1 AND o.is_active = 1',
    ).bind(id).first<{ id: string; slug: string; title: string }>();
    return row && { type, id: row.id, title: row.title, path: `/dataset/${row.slug}` };
  }
  if (type === 'organization') {
    const row = await db.prepare('SELECT id, slug, legal_name FROM organizations WHERE (id = ?1 OR slug = ?1) AND is_active = 1').bind(id).first<{ id: string; slug: string; legal_name: string }>();
    return row && { type, id: row.id, title: row.legal_name, path: `/organization/${row.slug}` };
  }
  const row = await db.prepare('SELECT id, slug, title FROM themes WHERE id = ?1 OR slug = ?1').bind(id).first<{ id: string; slug: string; title: string }>();
  return row && { type, id: row.id, title: row.title, path: `/group/${row.slug}` };
}

export interface SubscriptionRow {
  id: string;
  user_id: string;
  object_type: SubscriptionTarget;
  object_id: string;
  frequency: SubscriptionFrequency;
  unsubscribe_token: string;
  created_at: string;
}

export async function findSubscription(db: D1Database, userId: string, type: SubscriptionTarget, objectId: string): Promise<SubscriptionRow | null> {
  return db.prepare('SELECT * FROM subscriptions WHERE user_id = ? AND object_type = ? AND object_id = ?').bind(userId, type, objectId).first<SubscriptionRow>();
}

export async function findSubscriptionById(db: D1Database, id: string): Promise<SubscriptionRow | null> {
  return db.prepare('SELECT * FROM subscriptions WHERE id = ?').bind(id).first<SubscriptionRow>();
}

export async function findSubscriptionByToken(db: D1Database, token: string): Promise<SubscriptionRow | null> {
  return db.prepare('SELECT * FROM subscriptions WHERE unsubscribe_token = ?').bind(token).first<SubscriptionRow>();
}

/**
 * Follows (or changes the frequency of an existing subscription). The datasets published now are marked as seen,
 * so the first notice is about what happens next, not the whole back catalogue.
 */
export async function subscribe(db: D1Database, userId: string, target: FollowTarget, frequency: SubscriptionFrequency, now = new Date()): Promise<void> {
  await db.batch([
    db.prepare(
      `INSERT INTO subscriptions (id, user_id, object_type, object_id, frequency, unsubscribe_token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, object_type, object_id) DO UPDATE SET frequency = excluded.frequency`,
    ).bind(crypto.randomUUID(), userId, target.type, target.id, frequency, generateSecret(), now.toISOString()),
    db.prepare(`INSERT OR IGNORE INTO subscription_seen_datasets (dataset_id, updated_at)
                SELECT d.id, d.updated_at FROM datasets d JOIN organizations o ON o.id = d.organization_id WHERE d.published = 1 AND o.is_active = 1`),
  ]);
}

export async function deleteSubscription(db: D1Database, id: string): Promise<void> {
  await db.prepare('DELETE FROM subscriptions WHERE id = ?').bind(id).run();
}

export async function setFrequency(db: D1Database, id: string, frequency: SubscriptionFrequency): Promise<void> {
  await db.prepare('UPDATE subscriptions SET frequency = ? WHERE id = ?').bind(frequency, id).run();
}

export interface ListedSubscription extends SubscriptionRow {
  title: string | null;
  path: string | null;
}

const FOLLOWED_TITLE = `COALESCE(fd.title, fo.legal_name, ft.title)`;
const FOLLOWED_JOINS = `LEFT JOIN datasets fd ON s.object_type = 'dataset' AND fd.id = s.object_id
  LEFT JOIN organizations fo ON s.object_type = 'organization' AND fo.id = s.object_id
  LEFT JOIN themes ft ON s.object_type = 'theme' AND ft.id = s.object_id`;

export async function subscriptionsOf(db: D1Database, userId: string): Promise<ListedSubscription[]> {
  const rows = await db.prepare(
    `SELECT s.*, ${FOLLOWED_TITLE} AS title,
       CASE s.object_type WHEN 'dataset' THEN '/dataset/' || fd.slug WHEN 'organization' THEN '/organization/' || fo.slug ELSE '/group/' || ft.slug END AS path
     FROM subscriptions s ${FOLLOWED_JOINS} WHERE s.user_id = ? ORDER BY s.object_type, title`,
  ).bind(userId).all<ListedSubscription>();
  return rows.results;
}

interface ChangedDataset {
  id: string; slug: string; title: string; organization_id: string; updated_at: string; seen_at: string | null;
}

interface Follower {
  subscription_id: string; user_id: string; email: string; frequency: SubscriptionFrequency; unsubscribe_token: string; followed: string;
}

const CLAIM_CHUNK = 500;

/**
 * Compares the published datasets with the state last seen and tells followers: a dataset appearing in a followed
 * organisation or thématique, a followed dataset changing or gaining resources. Each dataset's new state is
 * claimed by a conditional write, so two runs at once never mail twice.
 */
export async function notifyFollowers(env: Env, now = new Date()): Promise<number> {
  const db = env.DB;
  const changed = (await db.prepare(
    `SELECT d.id, d.slug, d.title, d.organization_id, d.updated_at, s.updated_at AS seen_at
     FROM datasets d JOIN organizations o ON o.id = d.organization_id LEFT JOIN subscription_seen_datasets s ON s.dataset_id = d.id
     WHERE d.published = 1 AND o.is_active = 1 AND (s.dataset_id IS NULL OR s.updated_at <> d.updated_at)`,
  ).all<ChangedDataset>()).results;
  const claimed: ChangedDataset[] = [];
  for (let i = 0; i < changed.length; i += CLAIM_CHUNK) {
    const chunk = changed.slice(i, i + CLAIM_CHUNK);
    const results = await db.batch(chunk.map((d) => db.prepare(
      `INSERT INTO subscription_seen_datasets (dataset_id, updated_at) VALUES (?1, ?2)
       ON CONFLICT (dataset_id) DO UPDATE SET updated_at = excluded.updated_at WHERE subscription_seen_datasets.updated_at IS ?3`,
    ).bind(d.id, d.updated_at, d.seen_at)));
    chunk.forEach((d, j) => { if (results[j]!.meta.changes === 1) claimed.push(d); });
  }
  // A dataset taken back to draft (or deleted) is forgotten: published again, it appears again.
  await db.prepare(`DELETE FROM subscription_seen_datasets WHERE dataset_id NOT IN
    (SELECT d.id FROM datasets d JOIN organizations o ON o.id = d.organization_id WHERE d.published = 1 AND o.is_active = 1)`).run();
  if (claimed.length === 0) return 0;
  const anyFollower = await db.prepare('SELECT 1 FROM subscriptions LIMIT 1').first();
  if (!anyFollower) return 0;

  const notices: Array<{ notice: FollowNotice; datasetId: string; followers: Follower[] }> = [];
  for (let i = 0; i < claimed.length; i += CLAIM_CHUNK) {
    const chunk = claimed.slice(i, i + CLAIM_CHUNK);
    const results = await db.batch(chunk.flatMap((d) => {
      const appeared = d.seen_at === null;
      return [
        db.prepare(
          `SELECT s.id AS subscription_id, s.user_id, u.email, s.frequency, s.unsubscribe_token, ${FOLLOWED_TITLE} AS followed
           FROM subscriptions s JOIN users u ON u.id = s.user_id ${FOLLOWED_JOINS}
           WHERE u.email_confirmed_at IS NOT NULL AND ((s.object_type = 'dataset' AND s.object_id = ?1)
             OR (?3 AND s.object_type = 'organization' AND s.object_id = ?2)
             OR (?3 AND s.object_type = 'theme' AND s.object_id IN (SELECT theme_id FROM dataset_themes WHERE dataset_id = ?1)))
           ORDER BY s.object_type`,
        ).bind(d.id, d.organization_id, appeared ? 1 : 0),
        db.prepare('SELECT title FROM resources WHERE dataset_id = ? AND created_at > ? ORDER BY position, created_at').bind(d.id, d.seen_at ?? ''),
      ];
    }));
    chunk.forEach((d, j) => {
      const followers = results[2 * j]!.results as unknown as Follower[];
      if (followers.length === 0) return;
      const added = (results[2 * j + 1]!.results as Array<{ title: string }>).map((r) => r.title);
      const event: FollowEvent = d.seen_at === null ? 'appeared' : added.length > 0 ? 'resource_added' : 'changed';
      notices.push({ datasetId: d.id, followers, notice: { event, datasetSlug: d.slug, datasetTitle: d.title, detail: event === 'resource_added' ? added.join(', ') : '' } });
    });
  }

  const mails: Mail[] = [];
  const queued: D1PreparedStatement[] = [];
  for (const { notice, datasetId, followers } of notices) {
    // Someone following both the organisation and the thématique hears of a new dataset once.
    const told = new Set<string>();
    for (const f of followers) {
      if (told.has(f.user_id)) continue;
      told.add(f.user_id);
      if (f.frequency === 'immediate') mails.push(followMail(env, f.email, f.followed, notice, f.unsubscribe_token));
      else {
        queued.push(db.prepare(
          'INSERT INTO subscription_events (subscription_id, dataset_id, dataset_slug, dataset_title, event, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).bind(f.subscription_id, datasetId, notice.datasetSlug, notice.datasetTitle, notice.event, notice.detail, now.toISOString()));
      }
    }
  }
  if (queued.length > 0) await db.batch(queued);
  await sendMails(env, mails);
  return mails.length + queued.length;
}

/** The daily digest: one mail per user with the events waiting on their daily subscriptions, then those are gone. */
export async function sendDigests(env: Env): Promise<number> {
  const db = env.DB;
  const rows = (await db.prepare(
    `SELECT e.id, e.subscription_id, e.dataset_slug, e.dataset_title, e.event, e.detail, u.id AS user_id, u.email, s.unsubscribe_token,
       ${FOLLOWED_TITLE} AS followed
     FROM subscription_events e JOIN subscriptions s ON s.id = e.subscription_id JOIN users u ON u.id = s.user_id ${FOLLOWED_JOINS}
     ORDER BY u.id, s.id, e.id`,
  ).all<{ id: number; subscription_id: string; dataset_slug: string; dataset_title: string; event: FollowEvent; detail: string; user_id: string; email: string; unsubscribe_token: string; followed: string }>()).results;
  if (rows.length === 0) return 0;
  const byUser = new Map<string, typeof rows>();
  for (const row of rows) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row]);
  const mails: Mail[] = [];
  for (const userRows of byUser.values()) {
    const sections = new Map<string, { followed: string; token: string; notices: FollowNotice[] }>();
    for (const r of userRows) {
      const section = sections.get(r.subscription_id) ?? { followed: r.followed, token: r.unsubscribe_token, notices: [] };
      section.notices.push({ event: r.event, datasetSlug: r.dataset_slug, datasetTitle: r.dataset_title, detail: r.detail });
      sections.set(r.subscription_id, section);
    }
    mails.push(digestMail(env, userRows[0]!.email, [...sections.values()]));
  }
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    await db.prepare(`DELETE FROM subscription_events WHERE id IN (${chunk.map(() => '?').join(',')})`).bind(...chunk).run();
  }
  await sendMails(env, mails);
  return mails.length;
}
