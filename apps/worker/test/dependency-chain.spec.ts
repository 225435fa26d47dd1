import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { emailExportLink, exportDataset } from '@jobq/job-defs';
import { queueKeys } from '@jobq/queue-core';
import { useWorkerFixture } from './support/worker-fixture';

describe('worker process: the export -> email-link dependency chain', () => {
  const t = useWorkerFixture('chain');

  it('emails a link to the export once it succeeded, from its result; the email job waits deferred until then', async () => {
    t.start('chain-worker');
    const exp = await t.client.enqueue(exportDataset, { dataset: 'invoices', chunks: 5, rowsPerChunk: 100, chunkDelayMs: 100 });
    const mail = await t.client.enqueue(emailExportLink, { to: 'finance@example.com', linkBase: 'http://dash.example:9181' }, { dependsOn: [exp] });
    expect(await mail.status()).toBe('deferred');
    const exported = await exp.result({ timeoutMs: 15_000 });
    const sent = await mail.result({ timeoutMs: 15_000 });
    const link = `http://dash.example:9181/queues/low_priority/jobs/${exp.id}`;
    expect(sent.exports).toEqual([{ jobId: exp.id, dataset: 'invoices', rows: 500, checksum: exported.checksum, link }]);
    const files = (await readdir(t.outbox)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const message = JSON.parse(await readFile(join(t.outbox, files[0]), 'utf8')) as { to: string[]; subject: string; text: string };
    expect(message).toMatchObject({ to: ['finance@example.com'], subject: 'Your export of invoices is ready' });
    expect(message.text).toContain(link);
    expect(message.text).toContain(exported.checksum);
    // The email job became waiting only after the export succeeded.
    const k = queueKeys(t.config.prefix, 'low_priority');
    const events = (await t.redis.xrange(k.events, '-', '+')).map(([, f]) => `${f[3]}:${f[1]}`);
    expect(events.indexOf(`${mail.id}:deferred`)).toBeLessThan(events.indexOf(`${exp.id}:succeeded`));
    expect(events.indexOf(`${mail.id}:waiting`)).toBeGreaterThan(events.indexOf(`${exp.id}:succeeded`));
  }, 40_000);
});
