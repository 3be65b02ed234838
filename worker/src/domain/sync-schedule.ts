// When a synchronised resource (URL download, SFTP deposit) is fetched again. Slots are wall-clock times in
// Europe/Paris, as OPenIG announces them (quotidienne = every day at midnight, hebdomadaire = Mondays…). A resource is
// due when its last attempt is older than the latest slot: a missed cron run catches up at the next one, and a
// resource never runs twice for the same slot.
import type { SyncFrequency } from './vocabulary';

export const SYNC_TIME_ZONE = 'Europe/Paris';

interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  weekday: number; // 0 = Sunday
}

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: SYNC_TIME_ZONE, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  second: 'numeric', weekday: 'short', hourCycle: 'h23',
});
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function parisTime(date: Date): LocalTime & { minute: number; second: number } {
  const parts = Object.fromEntries(partsFormat.formatToParts(date).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour),
    minute: Number(parts.minute), second: Number(parts.second), weekday: WEEKDAYS.indexOf(parts.weekday!),
  };
}

/** Paris wall-clock time → instant. Slots are at 00:00, 06:00, 12:00 or 18:00, never inside a DST gap. */
export function parisToInstant(year: number, month: number, day: number, hour = 0): Date {
  const guess = Date.UTC(year, month - 1, day, hour);
  // The offset at the guess, then at the corrected instant (they differ only next to a DST change).
  let instant = guess;
  for (let i = 0; i < 2; i++) {
    const local = parisTime(new Date(instant));
    const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
    instant = guess - (asUtc - instant);
  }
  return new Date(instant);
}

/** Calendar arithmetic on Paris dates (day overflow handled by Date.UTC). */
function shiftDays(year: number, month: number, day: number, days: number): [number, number, number] {
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

function latestMonthStart(local: LocalTime, months: readonly number[]): Date {
  const candidates = months.filter((m) => m <= local.month);
  if (candidates.length > 0) return parisToInstant(local.year, Math.max(...candidates), 1);
  return parisToInstant(local.year - 1, Math.max(...months), 1);
}

/** The latest scheduled instant at or before `now`, or null for `never`. */
export function latestSlot(frequency: SyncFrequency, now: Date): Date | null {
  const local = parisTime(now);
  switch (frequency) {
    case 'never':
      return null;
    case 'hourly':
      // Paris is a whole number of hours from UTC: the top of the hour is the same instant in both.
      return new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
    case 'every6hours':
      return parisToInstant(local.year, local.month, local.day, local.hour - (local.hour % 6));
    case 'daily':
      return parisToInstant(local.year, local.month, local.day);
    case 'weekly': {
      const back = (local.weekday + 6) % 7; // days since Monday
      return parisToInstant(...shiftDays(local.year, local.month, local.day, -back));
    }
    case 'bimonthly':
      return parisToInstant(local.year, local.month, local.day >= 15 ? 15 : 1);
    case 'monthly':
      return parisToInstant(local.year, local.month, 1);
    case 'quarterly':
      return latestMonthStart(local, [1, 4, 7, 10]);
    case 'semiannual':
      return latestMonthStart(local, [1, 7]);
    case 'annual':
      return parisToInstant(local.year, 1, 1);
  }
}

/** The first scheduled instant strictly after `after` (shown on the syncs page), or null for `never`. */
export function nextSlot(frequency: SyncFrequency, after: Date): Date | null {
  const current = latestSlot(frequency, after);
  if (!current) return null;
  // Probe forward: the next slot is the latest slot of some later instant; steps shorter than any period.
  const step = frequency === 'hourly' ? 3_600_000 : frequency === 'every6hours' ? 3_600_000 : 86_400_000;
  for (let t = current.getTime() + step; ; t += step) {
    const slot = latestSlot(frequency, new Date(t))!;
    if (slot.getTime() > current.getTime()) return slot;
  }
}

/** Whether a resource last attempted at `lastAttempt` (null: never) must be synchronised at `now`. */
export function isDue(frequency: SyncFrequency, lastAttempt: Date | null, now: Date): boolean {
  const slot = latestSlot(frequency, now);
  if (!slot) return false;
  return lastAttempt === null || lastAttempt.getTime() < slot.getTime();
}
