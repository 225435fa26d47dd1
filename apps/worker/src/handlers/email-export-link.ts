import { createHash } from 'node:crypto';
import { exportDataset, type emailExportLink, type HandlerResultOf, type ParsedPayloadOf } from '@jobq/job-defs';
import { UnrecoverableError, type JobContext } from '@jobq/queue-core';
import type { EmailTransport } from '../email/transport';
import { DEFAULT_FROM } from './send-email';

/** What the `dataset.email-link` handler needs. */
export interface EmailExportLinkDeps {
  readonly transport: EmailTransport;
}

/**
 * The `dataset.email-link` handler, the child of a dependency chain: reads the
 * typed results of its `dataset.export` parents (`ctx.parentResults`), and emails
 * one link per export (to the export job's page on the dashboard, which shows its
 * rows and checksum). The message id is derived from the job, so a retry resends
 * the same message. Fails for good when it has no export parent (enqueued
 * without `dependsOn`).
 */
export function createEmailExportLink(deps: EmailExportLinkDeps) {
  return async (payload: ParsedPayloadOf<typeof emailExportLink>, ctx: JobContext): Promise<HandlerResultOf<typeof emailExportLink>> => {
    const results = await ctx.parentResults(exportDataset);
    if (results.size === 0) throw new UnrecoverableError('No dataset.export parent: enqueue this job with dependsOn: [exportJob]', 'NO_EXPORT_PARENT');
    const base = payload.linkBase.replace(/\/+$/, '');
    const exports = [...results].map(([jobId, r]) => ({
      jobId,
      dataset: r.dataset,
      rows: r.rows,
      checksum: r.checksum,
      link: `${base}/queues/${encodeURIComponent(exportDataset.queue)}/jobs/${encodeURIComponent(jobId)}`,
    }));
    const messageId = `${createHash('sha256').update(`${ctx.queue}\n${ctx.id}\n${ctx.createdAt}`).digest('hex').slice(0, 32)}@jobq.local`;
    const lines = exports.map((e) => `- ${e.dataset}: ${e.rows} rows, sha256 ${e.checksum}\n  ${e.link}`);
    const delivery = await deps.transport.send(
      {
        messageId,
        from: DEFAULT_FROM,
        to: [payload.to],
        subject: exports.length === 1 ? `Your export of ${exports[0].dataset} is ready` : `Your ${exports.length} exports are ready`,
        text: `Hello,\n\nyour export${exports.length === 1 ? ' is' : 's are'} ready:\n\n${lines.join('\n')}\n`,
      },
      ctx.signal,
    );
    if (delivery.accepted.length === 0) throw new UnrecoverableError(`The recipient was refused: ${delivery.rejected.map((r) => r.reason).join(', ')}`, 'EMAIL_RECIPIENTS_REFUSED');
    ctx.log(`emailed ${exports.length} export link(s) to ${payload.to}`);
    return { messageId, exports };
  };
}
