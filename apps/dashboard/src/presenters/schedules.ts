import type { ScheduleInfo } from '@jobq/queue-core';
import { formatAgo, formatCount, formatTime, isoTime, plural } from './format';
import type { Links } from './links';

/** View model of the schedules page. */
export function presentSchedules(schedules: readonly ScheduleInfo[], links: Links, now: number, canWrite = false) {
  return {
    count: formatCount(schedules.length),
    countLabel: plural(schedules.length, 'schedule', 'schedules'),
    paused: formatCount(schedules.filter((s) => s.state === 'paused').length),
    hasSchedules: schedules.length > 0,
    canWrite,
    schedules: schedules.map((s) => {
      const label = `${s.queue}/${s.name}`;
      return {
        anchor: `schedule-${s.queue}-${s.name}`,
        name: s.name,
        queue: s.queue,
        queueHref: links.queue(s.queue),
        job: s.job,
        description: s.description,
        timing: s.timingText,
        state: s.state,
        window: [s.startAt ? `from ${formatTime(s.startAt)}` : '', s.endAt ? `until ${formatTime(s.endAt)}` : ''].filter(Boolean).join(' '),
        runs: s.limit ? `${formatCount(s.count)} of ${formatCount(s.limit)}` : formatCount(s.count),
        nextAt: s.nextRunAt ? formatTime(s.nextRunAt) : '',
        nextIso: isoTime(s.nextRunAt),
        nextIn: s.nextRunAt ? formatAgo(s.nextRunAt, now) : '',
        nextHref: s.nextJobId ? links.job(s.queue, s.nextJobId) : '',
        lastAt: s.lastRunAt ? formatTime(s.lastRunAt) : '',
        lastIso: isoTime(s.lastRunAt),
        lastAgo: s.lastRunAt ? formatAgo(s.lastRunAt, now) : '',
        lastHref: s.lastJobId ? links.job(s.queue, s.lastJobId) : '',
        lastJobId: s.lastJobId ?? '',
        canPause: canWrite && s.state !== 'paused',
        canResume: canWrite && s.state === 'paused',
        pauseAction: links.scheduleAction(s.queue, s.name, 'pause'),
        resumeAction: links.scheduleAction(s.queue, s.name, 'resume'),
        triggerAction: links.scheduleAction(s.queue, s.name, 'trigger'),
        removeAction: links.scheduleAction(s.queue, s.name, 'remove'),
        pauseConfirm: `Pause schedule ${label}? Its next run is removed and nothing runs until it is resumed.`,
        removeConfirm: `Remove schedule ${label}? Its next run is removed too. A worker that declares it at start adds it again.`,
      };
    }),
  };
}
