import type { JobContext } from '@jobq/queue-core';

/** A JobContext for calling a handler directly, recording its progress reports. */
export interface FakeJobContext extends JobContext {
  readonly reports: { percent: number; message?: string }[];
  /** Lines the handler logged with `ctx.log`. */
  readonly logs: string[];
  /** Aborts `signal`, as a timeout or a forced stop would. */
  abort(reason?: unknown): void;
}

/** Builds a {@link FakeJobContext}; override any field. */
export function fakeJobContext(overrides: Partial<JobContext> = {}): FakeJobContext {
  const controller = new AbortController();
  const reports: { percent: number; message?: string }[] = [];
  const logs: string[] = [];
  return {
    id: '17',
    name: 'test.job',
    queue: 'high_priority',
    attempt: 1,
    maxAttempts: 3,
    createdAt: 1_700_000_000_000,
    signal: controller.signal,
    progress: async (percent, message) => {
      reports.push({ percent, message });
    },
    log: (message) => {
      logs.push(message);
    },
    parents: [],
    parentResult: (_contract, id) => Promise.reject(new Error(`job ${id} is not a parent`)),
    parentResults: () => Promise.resolve(new Map()),
    ...overrides,
    reports,
    logs,
    abort: (reason) => controller.abort(reason),
  };
}
