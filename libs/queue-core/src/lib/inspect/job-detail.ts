import { JOB_LOG_MAX_LINES, parseLogLine } from '../job-log';
import type { JobState } from '../keys';
import { boundText, shortText, VALUE_LIMITS, type BoundedText } from './bounded';
import { numberOrNull, parseJson, storedNumber } from './stored-values';
import type { JobDetail, JobOptionsSummary } from './types';

/** Stored job JSON longer than this is not parsed for the job page (only its start is shown). */
export const MOST_PARSED_BYTES = 1024 * 1024;

/** What {@link buildJobDetail} reads from Redis. */
export interface StoredJobParts {
  readonly id: string;
  readonly queue: string;
  readonly state: JobState;
  /** The stored job JSON (bee-queue's hash value). */
  readonly json: string;
  /** The run record hash. */
  readonly run: Record<string, string>;
  readonly runAt: number | null;
  /** The newest log lines as stored (at most `JOB_LOG_MAX_LINES`). */
  readonly log?: readonly string[];
  /** How many lines the log list holds. */
  readonly logTotal?: number;
}

/** Builds the bounded job detail from what Redis holds; never throws on odd data. */
export function buildJobDetail(p: StoredJobParts): JobDetail {
  const storedBytes = Buffer.byteLength(p.json);
  const parsed = p.json.length <= MOST_PARSED_BYTES ? parseJson(p.json) : undefined;
  const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  const job = (isObject ? parsed : {}) as Record<string, unknown>;
  const data = record(job['data']);
  const options = record(job['options']);
  const jobq = record(options['jobq']);
  let malformed: string | null = null;
  let payload: BoundedText;
  if (p.json.length > MOST_PARSED_BYTES) {
    // Too long to parse for a page: show the raw JSON's start.
    const at = p.json.indexOf('"payload":');
    payload = { ...boundText(at < 0 ? p.json : p.json.slice(at + 10), VALUE_LIMITS.json), truncated: true };
    payload = { ...payload, moreBytes: Math.max(payload.moreBytes, storedBytes - Buffer.byteLength(payload.text)) };
  } else if (!isObject) {
    malformed = parsed === undefined ? 'the stored job is not valid JSON' : 'the stored job is not a JSON object';
    payload = boundText(p.json, VALUE_LIMITS.json);
  } else {
    if (job['data'] === undefined || typeof data['name'] !== 'string') malformed = 'the stored job has no job name';
    payload = boundText(prettyJson(data['payload']), VALUE_LIMITS.json);
  }
  const nameMatch = /^\{"data":\{"name":("(?:[^"\\]|\\.){0,400}")/.exec(p.json.slice(0, 1_000));
  const name = typeof data['name'] === 'string' ? data['name'] : nameMatch ? (parseJson(nameMatch[1]) as string) : null;
  const { stacktraces, ...restOptions } = options;
  const run = p.run;
  const attempts = storedNumber(run['attempts']) ?? 0;
  const left = numberOrNull(options['retries']);
  const configured = numberOrNull(jobq['retries']) ?? (left !== null && attempts === 0 ? left : null);
  const retries = { configured, left, used: configured !== null && left !== null ? Math.max(0, configured - left) : null };
  const hasError = Boolean(run['error'] || run['errorCode'] || run['stack']);
  const progress = parseJson(run['progress'] && run['progress'].length <= 4 * VALUE_LIMITS.progress + 100 ? run['progress'] : '') as Record<string, unknown> | undefined;
  const percent = numberOrNull(progress?.['percent']) ?? storedNumber(/^\{"percent":(-?[\d.]{1,20})/.exec(run['progress'] ?? '')?.[1]);
  return {
    id: p.id,
    queue: p.queue,
    state: p.state,
    name: name === null ? null : shortText(name),
    malformed,
    payload,
    storedBytes,
    options: summarizeOptions(options, retries),
    optionsJson: boundText(JSON.stringify(restOptions, null, 2) ?? '{}', VALUE_LIMITS.options),
    earlierStacks: Array.isArray(stacktraces) ? stacktraces.slice(0, 5).filter((s): s is string => typeof s === 'string').map((s) => boundText(s, VALUE_LIMITS.earlierStack)) : [],
    createdAt: numberOrNull(options['timestamp']),
    runAt: p.runAt,
    attempts,
    startedAt: storedNumber(run['startedAt']),
    finishedAt: storedNumber(run['finishedAt']),
    durationMs: storedNumber(run['durationMs']),
    stalls: storedNumber(run['stalls']) ?? 0,
    cancelRequestedAt: storedNumber(run['cancelRequested']),
    worker: run['worker'] ? shortText(run['worker']) : null,
    error: hasError
      ? { message: boundText(run['error'] ?? '', VALUE_LIMITS.message), code: boundText(run['errorCode'] ?? '', VALUE_LIMITS.name), stack: boundText(run['stack'] ?? '', VALUE_LIMITS.stack) }
      : null,
    progress: run['progress']
      ? { percent: percent ?? 0, message: typeof progress?.['message'] === 'string' ? boundText(progress['message'], VALUE_LIMITS.progress) : progressTooLong(run['progress']) }
      : null,
    result: run['result'] === undefined ? null : boundText(run['result'].length <= VALUE_LIMITS.json ? prettyJson(parseJson(run['result']) ?? run['result']) : run['result'], VALUE_LIMITS.json),
    retries,
    log: {
      total: Math.max(p.logTotal ?? 0, p.log?.length ?? 0),
      lines: (p.log ?? []).slice(-JOB_LOG_MAX_LINES).map((raw) => {
        const line = parseLogLine(raw);
        return { at: line.at, text: boundText(line.text, VALUE_LIMITS.logLine) };
      }),
    },
  };
}

function summarizeOptions(options: Record<string, unknown>, retries: JobOptionsSummary['retries']): JobOptionsSummary {
  const backoff = record(options['backoff']);
  const jobq = record(options['jobq']);
  return {
    retries,
    backoff: typeof backoff['strategy'] === 'string' && numberOrNull(backoff['delay']) !== null ? { strategy: shortText(backoff['strategy'], 40), delayMs: backoff['delay'] as number } : null,
    timeoutMs: numberOrNull(options['timeout']),
    keepResultSeconds: numberOrNull(jobq['keepResultSeconds']),
    keepFailedSeconds: numberOrNull(jobq['keepFailedSeconds']),
    delayUntil: numberOrNull(options['delay']),
  };
}

/** A progress record too long to parse: say so, with its size. */
function progressTooLong(raw: string): BoundedText | null {
  if (raw.length <= 4 * VALUE_LIMITS.progress + 100) return null;
  const at = raw.indexOf('"message":"');
  const text = at < 0 ? '' : raw.slice(at + 11, at + 11 + VALUE_LIMITS.progress);
  const totalBytes = Buffer.byteLength(raw);
  return { text, truncated: true, totalBytes, moreBytes: totalBytes - Buffer.byteLength(text) };
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function prettyJson(v: unknown): string {
  return (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, null, 2)) ?? 'undefined';
}
