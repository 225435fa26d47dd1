import { exportDataset } from '@jobq/job-defs';
import { fakeJobContext } from '../../test/support/job-context';
import { createExportDataset } from './export-dataset';

describe('dataset.export handler', () => {
  const run = createExportDataset();
  const payload = (overrides: object = {}) => exportDataset.payload.parse({ dataset: 'customers', chunks: 4, rowsPerChunk: 10, chunkDelayMs: 0, ...overrides });

  it('exports every chunk, reporting progress after each', async () => {
    const ctx = fakeJobContext();
    const r = await run(payload(), ctx);
    expect(r).toEqual({ dataset: 'customers', chunks: 4, rows: 40, checksum: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(ctx.reports).toEqual([
      { percent: 25, message: 'chunk 1/4' },
      { percent: 50, message: 'chunk 2/4' },
      { percent: 75, message: 'chunk 3/4' },
      { percent: 100, message: 'chunk 4/4' },
    ]);
  });

  it('gives the same checksum for the same rows however they are chunked', async () => {
    const a = await run(payload(), fakeJobContext());
    expect((await run(payload({ chunks: 2, rowsPerChunk: 20 }), fakeJobContext())).checksum).toBe(a.checksum);
    expect((await run(payload({ dataset: 'orders' }), fakeJobContext())).checksum).not.toBe(a.checksum);
  });

  it('waits chunkDelayMs per chunk and stops at once when aborted', async () => {
    const ctx = fakeJobContext();
    const started = Date.now();
    const pending = run(payload({ chunks: 100, chunkDelayMs: 50 }), ctx);
    setTimeout(() => ctx.abort(new Error('stop')), 120);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(ctx.reports.length).toBeGreaterThanOrEqual(1);
    expect(ctx.reports.length).toBeLessThan(5);
  });
});
