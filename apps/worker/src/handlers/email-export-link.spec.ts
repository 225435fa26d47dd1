import { emailExportLink, exportDataset, type AnyJobContract } from '@jobq/job-defs';
import { UnrecoverableError } from '@jobq/queue-core';
import { fakeJobContext } from '../../test/support/job-context';
import type { EmailMessage, EmailTransport } from '../email/transport';
import { createEmailExportLink } from './email-export-link';

describe('dataset.email-link handler', () => {
  const payload = emailExportLink.payload.parse({ to: 'ana@example.com', linkBase: 'https://ops.example.com/jobq/' });
  const sent: EmailMessage[] = [];
  const transport: EmailTransport = {
    name: 'fake',
    send: async (m) => {
      sent.push(m);
      return { accepted: [...m.to], rejected: [] };
    },
  };
  beforeEach(() => {
    sent.length = 0;
  });

  it("emails a link to each export parent, from the parents' typed results", async () => {
    const results = new Map([['42', { dataset: 'customers', chunks: 2, rows: 1_000, checksum: 'ab12' }]]);
    const ctx = fakeJobContext({
      parents: ['42'],
      parentResults: (async (contract: AnyJobContract) => (contract === exportDataset ? results : new Map())) as never,
    });
    const result = await createEmailExportLink({ transport })(payload, ctx);
    expect(result.exports).toEqual([{ jobId: '42', dataset: 'customers', rows: 1_000, checksum: 'ab12', link: 'https://ops.example.com/jobq/queues/low_priority/jobs/42' }]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: ['ana@example.com'], subject: 'Your export of customers is ready', messageId: result.messageId });
    expect(sent[0].text).toContain('https://ops.example.com/jobq/queues/low_priority/jobs/42');
    expect(ctx.logs).toEqual(['emailed 1 export link(s) to ana@example.com']);
  });

  it('fails for good without an export parent', async () => {
    await expect(createEmailExportLink({ transport })(payload, fakeJobContext())).rejects.toBeInstanceOf(UnrecoverableError);
    expect(sent).toHaveLength(0);
  });
});
