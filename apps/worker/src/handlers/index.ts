import { dailyReport, deliverWebhook, emailExportLink, exportDataset, generateReport, pruneOutbox, sendEmail } from '@jobq/job-defs';
import { handle, type BoundHandler } from '@jobq/queue-core';
import type { EmailTransport } from '../email/transport';
import { createDailyReport } from './daily-report';
import { createDeliverWebhook, type DeliverWebhookDeps } from './deliver-webhook';
import { createEmailExportLink } from './email-export-link';
import { createExportDataset } from './export-dataset';
import { createGenerateReport } from './generate-report';
import { createPruneOutbox } from './prune-outbox';
import { createSendEmail } from './send-email';

/** Everything the catalogue's handlers depend on. */
export interface HandlerDeps {
  readonly emailTransport: EmailTransport;
  readonly webhook: DeliverWebhookDeps;
  /** Folder `outbox.prune` cleans (the outbox transport's). */
  readonly outboxDir: string;
}

/** One bound handler for every contract of the job-defs catalogue. */
export function catalogueHandlers(deps: HandlerDeps): BoundHandler[] {
  return [
    handle(sendEmail, createSendEmail({ transport: deps.emailTransport })),
    handle(deliverWebhook, createDeliverWebhook(deps.webhook)),
    handle(generateReport, createGenerateReport()),
    handle(exportDataset, createExportDataset()),
    handle(emailExportLink, createEmailExportLink({ transport: deps.emailTransport })),
    handle(dailyReport, createDailyReport()),
    handle(pruneOutbox, createPruneOutbox(deps.outboxDir)),
  ];
}
