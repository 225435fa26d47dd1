import { createHash } from 'node:crypto';
import type { HandlerResultOf, ParsedPayloadOf, sendEmail } from '@jobq/job-defs';
import { UnrecoverableError, type JobContext } from '@jobq/queue-core';
import type { EmailTransport } from '../email/transport';

/** Sender used when a message names none. */
export const DEFAULT_FROM = 'no-reply@jobq.local';

/** What the `email.send` handler needs. */
export interface SendEmailDeps {
  readonly transport: EmailTransport;
  /** @defaultValue {@link DEFAULT_FROM} */
  readonly defaultFrom?: string;
}

/**
 * The `email.send` handler: hands the message to the transport. The message id is
 * derived from the job, so a retry resends the same message instead of a new one.
 * Fails for good (no retries) when every recipient is refused.
 */
export function createSendEmail(deps: SendEmailDeps) {
  return async (payload: ParsedPayloadOf<typeof sendEmail>, ctx: JobContext): Promise<HandlerResultOf<typeof sendEmail>> => {
    const to = Array.isArray(payload.to) ? payload.to : [payload.to];
    const key = createHash('sha256').update(`${ctx.queue}\n${ctx.id}\n${ctx.createdAt}`).digest('hex').slice(0, 32);
    const messageId = `${key}@jobq.local`;
    const delivery = await deps.transport.send(
      { messageId, from: payload.from ?? deps.defaultFrom ?? DEFAULT_FROM, to, subject: payload.subject, text: payload.text, html: payload.html },
      ctx.signal,
    );
    if (delivery.accepted.length === 0) {
      const reasons = delivery.rejected.map((r) => `${r.address} (${r.reason})`).join(', ');
      throw new UnrecoverableError(`Every recipient was refused: ${reasons}`, 'EMAIL_RECIPIENTS_REFUSED');
    }
    return { messageId, accepted: [...delivery.accepted], transport: deps.transport.name };
  };
}
