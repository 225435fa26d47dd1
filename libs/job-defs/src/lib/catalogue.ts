import type { AnyJobContract } from './contract';
import { dailyReport } from './jobs/daily-report';
import { deliverWebhook } from './jobs/deliver-webhook';
import { emailExportLink } from './jobs/email-export-link';
import { exportDataset } from './jobs/export-dataset';
import { generateReport } from './jobs/generate-report';
import { pruneOutbox } from './jobs/prune-outbox';
import { sendEmail } from './jobs/send-email';

/** Every example contract, keyed by job name. */
export const catalogue = Object.freeze({
  [sendEmail.name]: sendEmail,
  [deliverWebhook.name]: deliverWebhook,
  [generateReport.name]: generateReport,
  [exportDataset.name]: exportDataset,
  [emailExportLink.name]: emailExportLink,
  [dailyReport.name]: dailyReport,
  [pruneOutbox.name]: pruneOutbox,
} as const);

/** Every example contract, as a list. */
export const catalogueList: readonly AnyJobContract[] = Object.freeze(Object.values(catalogue));

/** Finds a catalogue contract by job name. */
export function findContract(name: string): AnyJobContract | undefined {
  return Object.prototype.hasOwnProperty.call(catalogue, name) ? catalogue[name as keyof typeof catalogue] : undefined;
}
