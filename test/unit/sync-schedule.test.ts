import { describe, expect, it } from 'vitest';
import { isDue, latestSlot, nextSlot, parisToInstant } from '../../worker/src/domain/sync-schedule';

const at = (iso: string) => new Date(iso);
const slot = (frequency: Parameters<typeof latestSlot>[0], iso: string) => latestSlot(frequency, at(iso))?.toISOString() ?? null;

describe('Paris wall-clock times', () => {
  it('midnight in Paris is 23:00 UTC in winter and 22:00 UTC in summer', () => {
    expect(parisToInstant(2026, 1, 15).toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(parisToInstant(2026, 7, 15).toISOString()).toBe('2026-07-14T22:00:00.000Z');
  });

  it('the days of the clock changes keep their midnight', () => {
    expect(parisToInstant(2026, 3, 29).toISOString()).toBe('2026-03-28T23:00:00.000Z'); // spring forward at 02:00
    expect(parisToInstant(2026, 10, 25).toISOString()).toBe('2026-10-24T22:00:00.000Z'); // fall back at 03:00
    expect(parisToInstant(2026, 3, 29, 6).toISOString()).toBe('2026-03-29T04:00:00.000Z');
  });
});

describe('latest slot of each frequency', () => {
  it('jamais has no slot', () => {
    expect(slot('never', '2026-05-05T10:00:00Z')).toBeNull();
    expect(nextSlot('never', at('2026-05-05T10:00:00Z'))).toBeNull();
  });

  it('toutes les heures: the top of the hour', () => {
    expect(slot('hourly', '2026-05-05T10:59:59Z')).toBe('2026-05-05T10:00:00.000Z');
  });

  it('toutes les 6 heures: 00:00, 06:00, 12:00, 18:00 in Paris', () => {
    expect(slot('every6hours', '2026-05-05T10:30:00Z')).toBe('2026-05-05T10:00:00.000Z'); // 12:30 Paris → 12:00
    expect(slot('every6hours', '2026-05-05T03:00:00Z')).toBe('2026-05-04T22:00:00.000Z'); // 05:00 Paris → 00:00
  });

  it('quotidienne: midnight in Paris, even when UTC is still the day before', () => {
    expect(slot('daily', '2026-05-05T21:59:00Z')).toBe('2026-05-04T22:00:00.000Z');
    expect(slot('daily', '2026-05-05T22:00:00Z')).toBe('2026-05-05T22:00:00.000Z'); // 6 May 00:00 Paris
  });

  it('hebdomadaire: Monday midnight', () => {
    expect(slot('weekly', '2026-05-06T12:00:00Z')).toBe('2026-05-03T22:00:00.000Z'); // Wed 6 May → Mon 4 May
    expect(slot('weekly', '2026-05-03T21:00:00Z')).toBe('2026-04-26T22:00:00.000Z'); // Sun 23:00 Paris → previous Monday
  });

  it('bimensuelle: the 1st and the 15th', () => {
    expect(slot('bimonthly', '2026-05-14T12:00:00Z')).toBe('2026-04-30T22:00:00.000Z');
    expect(slot('bimonthly', '2026-05-15T12:00:00Z')).toBe('2026-05-14T22:00:00.000Z');
  });

  it('mensuelle: the 1st of the month', () => {
    expect(slot('monthly', '2026-02-28T12:00:00Z')).toBe('2026-01-31T23:00:00.000Z');
  });

  it('trimestrielle: 1 January, April, July and October', () => {
    expect(slot('quarterly', '2026-06-30T12:00:00Z')).toBe('2026-03-31T22:00:00.000Z');
    expect(slot('quarterly', '2026-12-31T12:00:00Z')).toBe('2026-09-30T22:00:00.000Z');
    expect(slot('quarterly', '2026-03-01T12:00:00Z')).toBe('2025-12-31T23:00:00.000Z');
  });

  it('semestrielle: 1 January and 1 July', () => {
    expect(slot('semiannual', '2026-06-30T12:00:00Z')).toBe('2025-12-31T23:00:00.000Z');
    expect(slot('semiannual', '2026-07-01T12:00:00Z')).toBe('2026-06-30T22:00:00.000Z');
  });

  it('annuelle: 1 January', () => {
    expect(slot('annual', '2026-12-31T22:59:59Z')).toBe('2025-12-31T23:00:00.000Z');
    expect(slot('annual', '2026-12-31T23:00:00Z')).toBe('2026-12-31T23:00:00.000Z'); // 1 Jan 2027 00:00 Paris
  });
});

describe('next slot', () => {
  it('is the following scheduled instant', () => {
    expect(nextSlot('weekly', at('2026-05-06T12:00:00Z'))?.toISOString()).toBe('2026-05-10T22:00:00.000Z');
    expect(nextSlot('bimonthly', at('2026-05-16T12:00:00Z'))?.toISOString()).toBe('2026-05-31T22:00:00.000Z');
    expect(nextSlot('quarterly', at('2026-11-02T12:00:00Z'))?.toISOString()).toBe('2026-12-31T23:00:00.000Z');
    expect(nextSlot('hourly', at('2026-05-06T12:00:00Z'))?.toISOString()).toBe('2026-05-06T13:00:00.000Z');
  });
});

describe('due resources', () => {
  const now = at('2026-05-06T08:00:00Z'); // Wednesday 10:00 in Paris

  it('a resource never attempted is due', () => {
    expect(isDue('daily', null, now)).toBe(true);
  });

  it('a daily resource attempted before midnight is due, after midnight it is not', () => {
    expect(isDue('daily', at('2026-05-05T21:30:00Z'), now)).toBe(true);
    expect(isDue('daily', at('2026-05-05T22:05:00Z'), now)).toBe(false);
  });

  it('a weekly resource synchronised on Monday waits for the next Monday', () => {
    expect(isDue('weekly', at('2026-05-04T05:00:00Z'), now)).toBe(false);
    expect(isDue('weekly', at('2026-05-04T05:00:00Z'), at('2026-05-10T22:00:00Z'))).toBe(true);
  });

  it('a missed slot is caught up at the next run', () => {
    expect(isDue('annual', at('2025-06-01T00:00:00Z'), at('2026-03-01T00:00:00Z'))).toBe(true);
  });

  it('jamais is never due', () => {
    expect(isDue('never', null, now)).toBe(false);
  });
});
