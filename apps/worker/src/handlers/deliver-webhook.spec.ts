import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverWebhook, verifyWebhook, WEBHOOK_SIGNATURE_HEADER } from '@jobq/job-defs';
import { UnrecoverableError } from '@jobq/queue-core';
import { fakeJobContext } from '../../test/support/job-context';
import { createDeliverWebhook, WebhookDeliveryError } from './deliver-webhook';

const SECRET = 'test-secret-0123456789';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('webhook.deliver handler', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];
  /** What the receiver does with the next request. */
  let respond: (res: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        respond(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received.length = 0;
    respond = (res) => res.writeHead(204).end();
  });

  const deliver = createDeliverWebhook({ secret: SECRET });
  const payload = (overrides: Partial<{ url: string; requestTimeoutMs: number }> = {}) =>
    deliverWebhook.payload.parse({ url: `${base}/hook`, event: 'order.paid', body: { orderId: 7, total: 12.5 }, ...overrides });

  it('POSTs the signed JSON body and returns the status on 2xx', async () => {
    const result = await deliver(payload(), fakeJobContext({ id: '99' }));
    expect(result).toMatchObject({ status: 204, deliveryId: '99' });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [req] = received;
    expect(JSON.parse(req.body)).toEqual({ orderId: 7, total: 12.5 });
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-jobq-event']).toBe('order.paid');
    expect(req.headers['x-jobq-delivery']).toBe('99');
    expect(verifyWebhook(SECRET, req.body, req.headers[WEBHOOK_SIGNATURE_HEADER] as string)).toBe(true);
    expect(verifyWebhook('another-secret-000000', req.body, req.headers[WEBHOOK_SIGNATURE_HEADER] as string)).toBe(false);
  });

  it('throws a retryable error on 5xx, and a retry can then succeed', async () => {
    respond = (res) => res.writeHead(503).end('busy');
    const failed = deliver(payload(), fakeJobContext());
    await expect(failed).rejects.toBeInstanceOf(WebhookDeliveryError);
    await expect(failed).rejects.toMatchObject({ code: 'WEBHOOK_SERVER_ERROR', message: expect.stringContaining('503') });
    respond = (res) => res.writeHead(200).end('ok');
    await expect(deliver(payload(), fakeJobContext({ attempt: 2 }))).resolves.toMatchObject({ status: 200 });
    expect(received).toHaveLength(2);
  });

  it('treats 429 as retryable', async () => {
    respond = (res) => res.writeHead(429).end();
    await expect(deliver(payload(), fakeJobContext())).rejects.toMatchObject({ code: 'WEBHOOK_SERVER_ERROR' });
  });

  it('fails for good on 4xx', async () => {
    respond = (res) => res.writeHead(410).end('gone');
    const failed = deliver(payload(), fakeJobContext());
    await expect(failed).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(failed).rejects.toMatchObject({ code: 'WEBHOOK_REJECTED', message: expect.stringContaining('410') });
  });

  it('does not follow redirects', async () => {
    respond = (res) => res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    await expect(deliver(payload(), fakeJobContext())).rejects.toMatchObject({ code: 'WEBHOOK_REDIRECTED' });
  });

  it('times out a receiver that does not answer, as a retryable error', async () => {
    respond = () => undefined; // never answers
    const started = Date.now();
    await expect(deliver(payload({ requestTimeoutMs: 200 }), fakeJobContext())).rejects.toMatchObject({
      code: 'WEBHOOK_TIMEOUT',
      message: expect.stringContaining('200 ms'),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports an unreachable receiver as a retryable error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(deliver(payload({ url: `http://127.0.0.1:${port}/` }), fakeJobContext())).rejects.toMatchObject({
      code: 'WEBHOOK_UNREACHABLE',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('stops when the job is aborted, with the abort reason', async () => {
    respond = () => undefined;
    const ctx = fakeJobContext();
    const pending = deliver(payload({ requestTimeoutMs: 30_000 }), ctx);
    const reason = new Error('worker stopping');
    setTimeout(() => ctx.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });

  it('refuses hosts outside the allow list without sending', async () => {
    const restricted = createDeliverWebhook({ secret: SECRET, allowHosts: ['hooks.example.com'] });
    await expect(restricted(payload(), fakeJobContext())).rejects.toMatchObject({ code: 'WEBHOOK_HOST_NOT_ALLOWED' });
    expect(received).toHaveLength(0);
  });

  it('uses the injected fetch', async () => {
    const fetch = jest.fn(async () => new Response(null, { status: 202 }));
    const result = await createDeliverWebhook({ secret: SECRET, fetch })(payload({ url: 'https://hooks.example.com/x' }), fakeJobContext());
    expect(result.status).toBe(202);
    expect(fetch).toHaveBeenCalledWith(new URL('https://hooks.example.com/x'), expect.objectContaining({ method: 'POST' }));
  });
});
