import { z } from 'zod';
import { catalogueList, findContract } from './catalogue';
import { defineJob, payloadJsonSchema } from './contract';
import { sendEmail } from './jobs/send-email';
import { QUEUES_BY_PRIORITY } from './queues';
import { signWebhook, verifyWebhook } from './webhook-signature';

describe('defineJob', () => {
  const base = { description: 'd', payload: z.object({}), result: z.object({}) };

  it('fills defaults and freezes the contract', () => {
    const c = defineJob({ ...base, name: 'a.b', queue: 'q', defaults: { retries: 2 } });
    expect(c.defaults).toEqual({ retries: 2, backoff: null, timeoutMs: 60_000, keepResultSeconds: 86_400, keepFailedSeconds: 604_800 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('rejects bad names and defaults at definition time', () => {
    expect(() => defineJob({ ...base, name: 'has space', queue: 'q' })).toThrow(/Job name "has space" is invalid/);
    expect(() => defineJob({ ...base, name: 'ok', queue: 'bad:queue' })).toThrow(/Queue name/);
    expect(() => defineJob({ ...base, name: 'ok', queue: 'q', defaults: { retries: -1 } })).toThrow(/defaults.retries/);
    expect(() => defineJob({ ...base, name: 'ok', queue: 'q', defaults: { timeoutMs: 0 } })).toThrow(/defaults.timeoutMs/);
  });
});

describe('catalogue', () => {
  it('spreads at least four jobs over the two priority queues', () => {
    expect(catalogueList.length).toBeGreaterThanOrEqual(4);
    expect(new Set(catalogueList.map((c) => c.queue))).toEqual(new Set(QUEUES_BY_PRIORITY));
    expect(findContract('email.send')).toBe(sendEmail);
    expect(findContract('toString')).toBeUndefined();
  });

  it('every payload schema converts to JSON Schema for forms', () => {
    for (const c of catalogueList) {
      const schema = payloadJsonSchema(c);
      expect(schema['type']).toBe('object');
      expect(Object.keys(schema['properties'] as object).length).toBeGreaterThan(0);
    }
  });

  it('email payloads are checked field by field', () => {
    const r = sendEmail.payload.safeParse({ to: 'nope', subject: '', text: 'x' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['subject', 'to']);
  });
});

describe('webhook signatures', () => {
  it('verifies its own signature and rejects tampering, wrong secrets and stale timestamps', () => {
    const body = JSON.stringify({ id: 1 });
    const header = signWebhook('s3cret', body, 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook('s3cret', body, header, 300, 1_700_000_100)).toBe(true);
    expect(verifyWebhook('s3cret', body + ' ', header, 300, 1_700_000_100)).toBe(false);
    expect(verifyWebhook('other', body, header, 300, 1_700_000_100)).toBe(false);
    expect(verifyWebhook('s3cret', body, header, 300, 1_700_001_000)).toBe(false);
    expect(verifyWebhook('s3cret', body, undefined)).toBe(false);
    expect(verifyWebhook('s3cret', body, 't=x,v1=zz')).toBe(false);
  });
});
