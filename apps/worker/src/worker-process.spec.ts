import { Writable } from 'node:stream';
import pino from 'pino';
import { loadWorkerConfig } from './config';
import { createWorker, logWorkerEvents } from './worker-process';

const self = { hostname: 'box', pid: 1, cwd: '/tmp' };

describe('createWorker', () => {
  it('serves the configured queues in their order, binding only the handlers of those queues', () => {
    const worker = createWorker(loadWorkerConfig({ WORKER_QUEUES: 'low_priority', WORKER_CONCURRENCY: '2', WORKER_NAME: 'w' }, self));
    expect(worker.info).toMatchObject({ name: 'w', queues: ['low_priority'], concurrency: 2 });
    const both = createWorker(loadWorkerConfig({ WORKER_QUEUES: 'low_priority,high_priority' }, self));
    expect(both.info.queues).toEqual(['low_priority', 'high_priority']);
  });
});

describe('logWorkerEvents', () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const worker = createWorker(loadWorkerConfig({}, self));
    logWorkerEvents(worker, pino({ level: 'debug' }, stream));
    return { worker, lines };
  }

  it('logs one line per finished attempt with queue, id, name, outcome and duration', () => {
    const { worker, lines } = capture();
    worker.emit('job:finished', { queue: 'high_priority', id: '7', name: 'email.send', outcome: 'succeeded', attempt: 1, durationMs: 12 });
    worker.emit('job:finished', {
      queue: 'high_priority',
      id: '8',
      name: 'webhook.deliver',
      outcome: 'failed',
      attempt: 3,
      durationMs: 5,
      error: { message: 'answered 410', code: 'WEBHOOK_REJECTED' },
    });
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'job succeeded', queue: 'high_priority', jobId: '7', job: 'email.send', outcome: 'succeeded', durationMs: 12 }),
      expect.objectContaining({ level: 50, msg: 'job failed', jobId: '8', attempt: 3, error: 'answered 410', errorCode: 'WEBHOOK_REJECTED' }),
    ]);
    expect(lines[0]).not.toHaveProperty('error');
  });

  it('logs retries as warnings, and Redis going and coming back', () => {
    const { worker, lines } = capture();
    worker.emit('job:finished', { queue: 'low_priority', id: '1', name: 'report.generate', outcome: 'retrying', attempt: 1, durationMs: 1, error: { message: 'boom' } });
    worker.emit('redis:down', new Error('ECONNREFUSED'));
    worker.emit('redis:up');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'job retrying'],
      [50, 'lost the connection to Redis; retrying (running jobs go on)'],
      [30, 'reconnected to Redis; resuming'],
    ]);
  });
});
