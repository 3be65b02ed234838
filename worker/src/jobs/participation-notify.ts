// Followers' notifications: after every batch of rebuild messages (each publish, whatever its path), and on the
// hourly trigger as a catch-up; the daily digest leaves on the hourly trigger at DIGEST_HOUR_PARIS.
// A failure here is logged and never makes the queue retry the rebuild or ingest messages of the batch.
import { isDigestHour } from '../domain/participation-rules';
import type { Env } from '../env';
import type { JobMessage } from '../store/queue';
import { notifyFollowers, sendDigests } from '../store/participation-follow';

export async function handleFollowNotifications(messages: readonly Message<JobMessage>[], env: Env): Promise<void> {
  if (!messages.some((m) => m.body.type === 'rebuild')) return;
  try {
    await notifyFollowers(env);
  } catch (error) {
    console.error('follower notifications failed', error);
  }
}

export async function hourlyFollowNotifications(env: Env, now: Date): Promise<void> {
  await notifyFollowers(env, now);
  if (isDigestHour(now)) await sendDigests(env);
}
