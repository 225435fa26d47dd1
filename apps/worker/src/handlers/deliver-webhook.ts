import { signWebhook, WEBHOOK_SIGNATURE_HEADER, type deliverWebhook, type HandlerResultOf, type ParsedPayloadOf } from '@jobq/job-defs';
import { UnrecoverableError, type JobContext } from '@jobq/queue-core';

/** What the `webhook.deliver` handler needs. */
export interface DeliverWebhookDeps {
  /** HMAC key of the signature header. */
  readonly secret: string;
  /** When set, only these host names may receive webhooks. */
  readonly allowHosts?: readonly string[];
  /** @defaultValue globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

/** A delivery attempt failed in a way a later attempt may not (the job is retried). */
export class WebhookDeliveryError extends Error {
  constructor(
    message: string,
    readonly code: 'WEBHOOK_TIMEOUT' | 'WEBHOOK_UNREACHABLE' | 'WEBHOOK_SERVER_ERROR',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WebhookDeliveryError';
  }
}

/** 4xx answers that mean "try again later" rather than "never". */
const RETRYABLE_CLIENT_ERRORS = new Set([408, 425, 429]);

/**
 * The `webhook.deliver` handler: POSTs the event body as JSON, signed with
 * {@link signWebhook}. A 2xx answer succeeds; a 5xx answer, a timeout or a network
 * error throws (retried by the job's policy); any other 4xx or a redirect fails the
 * job for good, since the receiver would refuse a retry too.
 */
export function createDeliverWebhook(deps: DeliverWebhookDeps) {
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  return async (payload: ParsedPayloadOf<typeof deliverWebhook>, ctx: JobContext): Promise<HandlerResultOf<typeof deliverWebhook>> => {
    const url = new URL(payload.url);
    if (deps.allowHosts && !deps.allowHosts.includes(url.hostname)) {
      throw new UnrecoverableError(`Host "${url.hostname}" is not in WEBHOOK_ALLOW_HOSTS`, 'WEBHOOK_HOST_NOT_ALLOWED');
    }
    const body = JSON.stringify(payload.body);
    const timeout = AbortSignal.timeout(payload.requestTimeoutMs);
    const started = performance.now();
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'jobq-worker',
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(deps.secret, body),
          'x-jobq-event': payload.event,
          'x-jobq-delivery': ctx.id,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([ctx.signal, timeout]),
      });
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason ?? err;
      if (timeout.aborted) {
        throw new WebhookDeliveryError(`${url.origin} did not answer within ${payload.requestTimeoutMs} ms`, 'WEBHOOK_TIMEOUT', { cause: err });
      }
      throw new WebhookDeliveryError(`Could not reach ${url.origin}: ${networkReason(err)}`, 'WEBHOOK_UNREACHABLE', { cause: err });
    }
    const durationMs = Math.round(performance.now() - started);
    // Only the status matters; free the connection instead of reading the body.
    await response.body?.cancel().catch(() => undefined);
    const { status } = response;
    if (status >= 200 && status < 300) return { status, durationMs, deliveryId: ctx.id };
    const answered = `${url.origin} answered ${status} ${response.statusText}`.trim();
    if (status >= 500 || RETRYABLE_CLIENT_ERRORS.has(status)) throw new WebhookDeliveryError(answered, 'WEBHOOK_SERVER_ERROR');
    if (status >= 300 && status < 400) throw new UnrecoverableError(`${answered} (redirects are not followed)`, 'WEBHOOK_REDIRECTED');
    throw new UnrecoverableError(answered, 'WEBHOOK_REJECTED');
  };
}

/** undici hides the socket error (ECONNREFUSED...) in `cause`. */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
