import { z } from 'zod';
import { defineJob } from './contract';
import { defineSchedule, describeTiming, nextDueAfter } from './schedule';

const job = defineJob({ name: 'a.b', queue: 'q', description: 'd', payload: z.object({ n: z.number() }), result: z.object({}) });

describe('defineSchedule', () => {
  it('freezes a valid declaration and takes its queue from the contract', () => {
    const s = defineSchedule(job, { name: 'nightly', cron: '0  2 * * *', tz: 'Europe/Berlin', payload: { n: 1 }, limit: 3 });
    expect(s).toMatchObject({ name: 'nightly', queue: 'q', timing: { cron: '0 2 * * *', tz: 'Europe/Berlin' }, limit: 3, startAt: null, endAt: null });
    expect(Object.isFrozen(s)).toBe(true);
    expect(defineSchedule(job, { name: 'e', every: 60_000, payload: { n: 1 } }).timing).toEqual({ every: 60_000 });
  });

  it('refuses endAt before startAt and tz on an interval', () => {
    expect(() => defineSchedule(job, { name: 'x', every: 1000, startAt: 2000, endAt: 1000, payload: { n: 1 } })).toThrow(/endAt is before startAt/);
    expect(() => defineSchedule(job, { name: 'x', every: 1000, tz: 'UTC', payload: { n: 1 } })).toThrow(/tz only applies to cron/);
  });
});

describe('nextDueAfter', () => {
  const day = Date.UTC(2026, 0, 10);
  it('reads cron in its time zone, strictly after the given time', () => {
    const w = { timing: { cron: '0 2 * * *', tz: 'America/New_York' }, startAt: null, endAt: null };
    expect(new Date(nextDueAfter(w, day)!).toISOString()).toBe('2026-01-10T07:00:00.000Z');
    expect(nextDueAfter(w, Date.UTC(2026, 0, 10, 7))).toBe(Date.UTC(2026, 0, 11, 7));
  });

  it('puts intervals on multiples since startAt (or the epoch) and honours the window', () => {
    expect(nextDueAfter({ timing: { every: 60_000 }, startAt: null, endAt: null }, day + 1)).toBe(day + 60_000);
    expect(nextDueAfter({ timing: { every: 60_000 }, startAt: day + 5_000, endAt: null }, day)).toBe(day + 5_000);
    expect(nextDueAfter({ timing: { every: 60_000 }, startAt: day + 5_000, endAt: null }, day + 5_000)).toBe(day + 65_000);
    expect(nextDueAfter({ timing: { every: 60_000 }, startAt: null, endAt: day + 30_000 }, day + 1)).toBeNull();
  });

  it('describes timings in words', () => {
    expect(describeTiming({ every: 300_000 })).toBe('every 5 min');
    expect(describeTiming({ every: 1_500 })).toBe('every 1500 ms');
    expect(describeTiming({ cron: '0 2 * * *', tz: 'UTC' })).toBe('0 2 * * * (UTC)');
  });
});
