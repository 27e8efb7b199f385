/**
 * The notifications job, as one object: each run makes the notifications of what was recorded since the
 * last (collect.ts), then emails those due (mail.ts) when an SMTP server is configured. node/jobs.ts runs
 * it now and then; tests run it at once.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import { collectNotifications } from './collect.ts';
import { type MailTransport, sendDueEmails, smtpTransport } from './mail.ts';

export interface NotifierOptions {
  db: Kysely<Database>;
  publicUrl: string;
  /** The SMTP server's URL; unset: nothing is emailed. */
  smtpUrl?: string | undefined;
  /** The sender's address; empty: govdx@ the public address's host. */
  mailFrom: string;
  onError(error: unknown, what: string): void;
  /** For tests: a transport instead of the SMTP server's. */
  transport?: MailTransport;
}

export class Notifier {
  readonly #options: NotifierOptions;
  readonly #transport: MailTransport | null;

  constructor(options: NotifierOptions) {
    this.#options = options;
    this.#transport = options.transport ?? (options.smtpUrl ? smtpTransport(options.smtpUrl) : null);
  }

  get emailing(): boolean {
    return this.#transport !== null;
  }

  /** Makes what is new, then sends what is due; failures are reported, never thrown. */
  async run(at: Date = new Date()): Promise<{ made: number; sent: number; failed: number }> {
    const { db, publicUrl } = this.#options;
    let made = 0;
    try {
      made = await collectNotifications({ db, emailing: this.emailing, at });
    } catch (error) {
      this.#options.onError(error, 'making notifications');
    }
    if (this.#transport === null) return { made, sent: 0, failed: 0 };
    try {
      const from = this.#options.mailFrom || `govdx <govdx@${new URL(publicUrl).hostname}>`;
      const result = await sendDueEmails({
        db,
        transport: this.#transport,
        from,
        publicUrl,
        at,
        onFailure: (error, id, attempts) =>
          this.#options.onError(error, `emailing notification ${id} (attempt ${attempts})`),
      });
      return { made, ...result };
    } catch (error) {
      this.#options.onError(error, 'emailing notifications');
      return { made, sent: 0, failed: 0 };
    }
  }

  close(): void {
    this.#transport?.close?.();
  }
}
