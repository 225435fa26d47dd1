import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendEmail } from '@jobq/job-defs';
import { UnrecoverableError } from '@jobq/queue-core';
import { fakeJobContext } from '../../test/support/job-context';
import { OutboxTransport } from '../email/outbox-transport';
import type { EmailTransport } from '../email/transport';
import { createSendEmail, DEFAULT_FROM } from './send-email';

describe('email.send handler', () => {
  const payload = (to: string | string[]) => sendEmail.payload.parse({ to, subject: 'Welcome', text: 'Hello there' });

  it('hands the message to the transport and returns its id and accepted recipients', async () => {
    const send = jest.fn<ReturnType<EmailTransport['send']>, Parameters<EmailTransport['send']>>(async (m) => ({ accepted: [...m.to], rejected: [] }));
    const handler = createSendEmail({ transport: { name: 'fake', send } });
    const ctx = fakeJobContext();
    const result = await handler(payload(['a@example.com', 'b@example.com']), ctx);
    expect(result).toEqual({ messageId: expect.stringMatching(/^[0-9a-f]{32}@jobq\.local$/), accepted: ['a@example.com', 'b@example.com'], transport: 'fake' });
    expect(send).toHaveBeenCalledWith(expect.objectContaining({ messageId: result.messageId, from: DEFAULT_FROM, subject: 'Welcome' }), ctx.signal);
  });

  it('gives a retry of the same job the same message id, and another job another', async () => {
    const transport: EmailTransport = { name: 'fake', send: async (m) => ({ accepted: [...m.to], rejected: [] }) };
    const handler = createSendEmail({ transport });
    const first = await handler(payload('a@example.com'), fakeJobContext({ id: '5', attempt: 1 }));
    const retry = await handler(payload('a@example.com'), fakeJobContext({ id: '5', attempt: 2 }));
    const other = await handler(payload('a@example.com'), fakeJobContext({ id: '6' }));
    expect(retry.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
  });

  describe('with the outbox transport', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'jobq-email-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('writes the message into the outbox', async () => {
      const result = await createSendEmail({ transport: new OutboxTransport(dir) })(payload('a@example.com'), fakeJobContext());
      expect(result.transport).toBe('outbox');
      expect(await readdir(dir)).toEqual([`${result.messageId.replace('@', '_')}.json`]);
    });

    it('fails for good when every recipient is refused', async () => {
      const failed = createSendEmail({ transport: new OutboxTransport(dir) })(payload('nobody@example.invalid'), fakeJobContext());
      await expect(failed).rejects.toBeInstanceOf(UnrecoverableError);
      await expect(failed).rejects.toMatchObject({ code: 'EMAIL_RECIPIENTS_REFUSED', message: expect.stringContaining('nobody@example.invalid') });
      expect(await readdir(dir)).toEqual([]);
    });
  });
});
