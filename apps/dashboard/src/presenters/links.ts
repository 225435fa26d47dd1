import type { JobState, JobValueField } from '@jobq/queue-core';

/** Builds every URL the pages link to, under the dashboard's URL prefix. */
export class Links {
  /** @param base - the URL prefix (`''` or `/ops/queues`) */
  constructor(readonly base: string) {}

  overview(): string {
    return `${this.base}/`;
  }

  workers(): string {
    return `${this.base}/workers`;
  }

  queue(queue: string, state?: JobState, query: Record<string, string | number | undefined> = {}): string {
    const params = new URLSearchParams();
    if (state) params.set('state', state);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
    const qs = params.toString();
    return `${this.base}/queues/${encodeURIComponent(queue)}${qs ? `?${qs}` : ''}`;
  }

  job(queue: string, id: string): string {
    return `${this.base}/queues/${encodeURIComponent(queue)}/jobs/${encodeURIComponent(id)}`;
  }

  jobApi(queue: string, id: string): string {
    return `${this.base}/api/queues/${encodeURIComponent(queue)}/jobs/${encodeURIComponent(id)}`;
  }

  download(queue: string, id: string, field: JobValueField): string {
    return `${this.job(queue, id)}/download/${field}`;
  }

  promoteJob(queue: string, id: string): string {
    return `${this.job(queue, id)}/promote`;
  }

  cancelJob(queue: string, id: string): string {
    return `${this.job(queue, id)}/cancel`;
  }

  /** POST: pause (`pause`) or resume (`resume`) a queue. */
  queueFlow(queue: string, action: 'pause' | 'resume'): string {
    return `${this.base}/queues/${encodeURIComponent(queue)}/${action}`;
  }

  /** POST: set or clear a queue's rate limit. */
  rateLimit(queue: string): string {
    return `${this.base}/queues/${encodeURIComponent(queue)}/rate-limit`;
  }

  bulk(queue: string): string {
    return `${this.base}/queues/${encodeURIComponent(queue)}/bulk`;
  }

  clean(queue: string): string {
    return `${this.base}/queues/${encodeURIComponent(queue)}/clean`;
  }

  events(): string {
    return `${this.base}/api/events`;
  }

  retryJob(queue: string, id: string): string {
    return `${this.job(queue, id)}/retry`;
  }

  removeJob(queue: string, id: string): string {
    return `${this.job(queue, id)}/remove`;
  }

  retryAllFailed(queue: string): string {
    return `${this.base}/queues/${encodeURIComponent(queue)}/retry-failed`;
  }

  emptyState(queue: string, state: JobState): string {
    return `${this.base}/queues/${encodeURIComponent(queue)}/states/${state}/empty`;
  }

  /** A queue's throughput history page. */
  history(queue: string, range: 'day' | 'month'): string {
    return `${this.base}/queues/${encodeURIComponent(queue)}/history${range === 'day' ? '' : '?range=month'}`;
  }

  historyApi(queue: string, range: 'day' | 'month'): string {
    return `${this.base}/api/queues/${encodeURIComponent(queue)}/history?range=${range}`;
  }

  enqueueList(): string {
    return `${this.base}/enqueue`;
  }

  enqueue(name: string): string {
    return `${this.base}/enqueue/${encodeURIComponent(name)}`;
  }

  worker(name: string): string {
    return `${this.workers()}#worker-${encodeURIComponent(name)}`;
  }

  /** POST target of a worker command (`quiet`, `stop`). */
  workerCommand(name: string, command: 'quiet' | 'stop'): string {
    return `${this.workers()}/${encodeURIComponent(name)}/${command}`;
  }

  schedules(): string {
    return `${this.base}/schedules`;
  }

  /** POST target of a schedule action. */
  scheduleAction(queue: string, name: string, action: 'pause' | 'resume' | 'trigger' | 'remove'): string {
    return `${this.schedules()}/${encodeURIComponent(queue)}/${encodeURIComponent(name)}/${action}`;
  }
}
