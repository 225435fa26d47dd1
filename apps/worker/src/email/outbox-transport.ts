import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmailDelivery, EmailMessage, EmailTransport } from './transport';

/**
 * Recipients in the `.invalid` top-level domain (RFC 2606: guaranteed never to
 * exist) are refused, the way a mail server refuses an unknown mailbox. The demo
 * uses it to show unrecoverable failures.
 */
const UNDELIVERABLE = /\.invalid$/i;

/**
 * A development email transport: writes each message as one JSON file into a
 * folder, where a person (or a test) can read it. Writes a temporary file and
 * renames it, so a reader never sees half a message; a retry of the same job
 * (same `messageId`) replaces its file rather than adding a second one.
 */
export class OutboxTransport implements EmailTransport {
  readonly name = 'outbox';

  constructor(private readonly dir: string) {}

  /** Path of the file a message is written to. */
  fileFor(messageId: string): string {
    return join(this.dir, `${messageId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  }

  async send(message: EmailMessage, signal?: AbortSignal): Promise<EmailDelivery> {
    const rejected = message.to.filter((a) => UNDELIVERABLE.test(a)).map((address) => ({ address, reason: 'domain does not exist' }));
    const accepted = message.to.filter((a) => !UNDELIVERABLE.test(a));
    if (accepted.length === 0) return { accepted, rejected };

    await mkdir(this.dir, { recursive: true });
    const file = this.fileFor(message.messageId);
    const tmp = join(this.dir, `.${randomUUID()}.tmp`);
    const stored = { ...message, to: accepted, writtenAt: new Date().toISOString() };
    try {
      await writeFile(tmp, `${JSON.stringify(stored, null, 2)}\n`, { signal, flag: 'wx' });
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { accepted, rejected };
  }
}
