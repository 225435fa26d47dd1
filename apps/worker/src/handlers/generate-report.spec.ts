import { generateReport } from '@jobq/job-defs';
import { fakeJobContext } from '../../test/support/job-context';
import { createGenerateReport } from './generate-report';

describe('report.generate handler', () => {
  const run = createGenerateReport();
  const payload = (overrides: object = {}) =>
    generateReport.payload.parse({ reportType: 'sales', from: '2024-02-27', to: '2024-03-01', rowsPerDay: 2_000, ...overrides });

  it('summarises rowsPerDay values for every day of the range', async () => {
    const r = await run(payload(), fakeJobContext());
    expect(r).toMatchObject({ reportType: 'sales', days: 4, rows: 8_000 }); // 2024 is a leap year
    expect(r.min).toBeGreaterThanOrEqual(0);
    expect(r.max).toBeLessThanOrEqual(50_000);
    expect(r.min).toBeLessThanOrEqual(r.mean);
    expect(r.mean).toBeLessThanOrEqual(r.p95);
    expect(r.p95).toBeLessThanOrEqual(r.max);
    expect(r.mean).toBeCloseTo(r.total / r.rows, 1);
    // Values are skewed toward small amounts (uniform squared: mean ~ max/3, p95 ~ 0.975^2 max).
    expect(r.mean / 50_000).toBeGreaterThan(0.3);
    expect(r.mean / 50_000).toBeLessThan(0.37);
    expect(r.p95 / 50_000).toBeGreaterThan(0.88);
  });

  it('is deterministic and seeded per day', async () => {
    const a = await run(payload(), fakeJobContext());
    expect(await run(payload(), fakeJobContext())).toEqual(a);
    const lastTwoDays = await run(payload({ from: '2024-02-29' }), fakeJobContext());
    const firstTwoDays = await run(payload({ to: '2024-02-28' }), fakeJobContext());
    expect(firstTwoDays.total + lastTwoDays.total).toBe(a.total);
    expect(await run(payload({ reportType: 'usage' }), fakeJobContext())).not.toEqual(a);
  });

  it('handles a single day and a single row', async () => {
    const r = await run(payload({ from: '2024-01-01', to: '2024-01-01', rowsPerDay: 1 }), fakeJobContext());
    expect(r).toMatchObject({ days: 1, rows: 1 });
    expect(r.min).toBe(r.max);
    expect(r.p95).toBe(r.max);
    expect(r.total).toBe(r.max);
  });

  it('stops between days once aborted', async () => {
    const ctx = fakeJobContext();
    const reason = new Error('timed out');
    const pending = run(payload({ from: '2000-01-01', to: '2030-01-01', rowsPerDay: 1_000 }), ctx);
    setTimeout(() => ctx.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
  });
});
