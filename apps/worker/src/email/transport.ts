/** One message, as the email job hands it to a transport. */
export interface EmailMessage {
  /**
   * Stable id of the message, derived from the job: a retry of the same job sends
   * the same id, so a transport can make a retry overwrite instead of duplicate.
   */
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/** What a transport did with a message. */
export interface EmailDelivery {
  /** Recipients the transport took. */
  readonly accepted: readonly string[];
  /** Recipients the transport refused, with the reason. */
  readonly rejected: readonly { readonly address: string; readonly reason: string }[];
}

/**
 * Where `email.send` jobs hand their messages: the outbox folder by default; an
 * SMTP or API transport implements the same interface.
 */
export interface EmailTransport {
  /** Short name stored in the job result (`outbox`, `smtp`, ...). */
  readonly name: string;
  /**
   * Sends one message. Rejects on a temporary problem (the job is retried);
   * refused recipients are reported in `rejected`, not thrown.
   */
  send(message: EmailMessage, signal?: AbortSignal): Promise<EmailDelivery>;
}
