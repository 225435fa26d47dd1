import { readStoredJobFacts } from './stored-job-json';

const job = (payload: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ data: { name: 'email.send', payload }, options: { timestamp: 1_700_000_000_000, retries: 2, stacktraces: [], ...extra }, status: 'failed', progress: 0 });

describe('readStoredJobFacts', () => {
  it('reads a whole job JSON', () => {
    expect(readStoredJobFacts(job({ to: 'a@b.co' }), '', 160)).toEqual({
      name: 'email.send',
      createdAt: 1_700_000_000_000,
      status: 'failed',
      retriesLeft: 2,
      payloadPreview: '{"to":"a@b.co"}',
      payloadTruncated: false,
      malformed: false,
    });
  });

  it('reads a job JSON cut into a head and a tail', () => {
    const json = job({ text: 'x'.repeat(100_000), options: { nested: true } });
    const facts = readStoredJobFacts(json.slice(0, 2048), json.slice(-16_384), 50);
    expect(facts).toMatchObject({ name: 'email.send', createdAt: 1_700_000_000_000, status: 'failed', retriesLeft: 2, payloadTruncated: true });
    expect(facts.payloadPreview).toBe(`{"text":"${'x'.repeat(41)}`);
  });

  it('never throws on garbage', () => {
    expect(readStoredJobFacts('not json', '', 10)).toMatchObject({ name: null, createdAt: null, payloadPreview: 'not json', malformed: true });
    expect(readStoredJobFacts('[1,2]', '', 10)).toMatchObject({ name: null, malformed: true });
    expect(readStoredJobFacts('{"data":{"name":"a"', '},"options":{', 10)).toMatchObject({ name: 'a', createdAt: null });
  });
});
