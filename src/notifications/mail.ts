/**
 * The email outbox: notifications waiting to be emailed (`email_status = 'pending'`) are sent through the
 * operator's SMTP server, each once; a failed attempt is tried again later, each wait twice the last
 * (domain/notification.ts: emailRetryDelayMs), until EMAIL_MOST_ATTEMPTS. Several nodes may send at once:
 * a node claims a message by moving its `email_next_at` before sending, so only one sends it.
 */
import type { Kysely } from 'kysely';
import { createTransport } from 'nodemailer';
import { EMAIL_MOST_ATTEMPTS, emailRetryDelayMs } from '../domain/index.ts';
import type { Database } from '../store/index.ts';

type Db = Kysely<Database>;

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** What the outbox needs of a mail server: nodemailer's transport fits. */
export interface MailTransport {
  sendMail(message: MailMessage): Promise<unknown>;
  close?(): void;
}

/** A transport to the SMTP server at `smtpUrl` (smtp:// or smtps://, with user and password if any). */
export function smtpTransport(smtpUrl: string): MailTransport {
  return createTransport(smtpUrl);
}

/** How long a node holds a message it is sending before another may try it. */
const CLAIM_MS = 5 * 60_000;
/** Messages read per run. */
const BATCH = 50;

export interface OutboxOptions {
  db: Db;
  transport: MailTransport;
  from: string;
  publicUrl: string;
  at?: Date;
  onFailure?(error: unknown, notificationId: string, attempts: number): void;
}

/** The email's text: the notification's words, and the address of the thing concerned. */
export function emailText(body: string, link: string, publicUrl: string): string {
  const address = new URL(link, publicUrl).toString();
  return `${body}\n\nOpen it: ${address}\n\nYour notifications: ${new URL('/notifications', publicUrl)}\n`;
}

/** Sends the messages that are due; resolves with how many were sent and how many attempts failed. */
export async function sendDueEmails(options: OutboxOptions): Promise<{ sent: number; failed: number }> {
  const { db } = options;
  const at = options.at ?? new Date();
  const iso = at.toISOString();
  const due = await db
    .selectFrom('notifications')
    .innerJoin('people', 'people.id', 'notifications.person_id')
    .select([
      'notifications.id',
      'notifications.title',
      'notifications.body',
      'notifications.link',
      'notifications.email_attempts',
      'notifications.email_next_at',
      'people.email',
    ])
    .where('notifications.email_status', '=', 'pending')
    .where('notifications.email_next_at', '<=', iso)
    .orderBy('notifications.email_next_at')
    .limit(BATCH)
    .execute();
  let sent = 0;
  let failed = 0;
  for (const message of due) {
    const claimed = await db
      .updateTable('notifications')
      .set({ email_next_at: new Date(at.getTime() + CLAIM_MS).toISOString() })
      .where('id', '=', message.id)
      .where('email_status', '=', 'pending')
      .where('email_next_at', '=', message.email_next_at)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    const attempts = message.email_attempts + 1;
    try {
      if (!message.email) throw new Error('The person has no email address any more.');
      await options.transport.sendMail({
        from: options.from,
        to: message.email,
        subject: message.title,
        text: emailText(message.body, message.link, options.publicUrl),
      });
      await db
        .updateTable('notifications')
        .set({
          email_status: 'sent',
          email_attempts: attempts,
          email_next_at: null,
          email_error: null,
          emailed_at: new Date().toISOString(),
        })
        .where('id', '=', message.id)
        .execute();
      sent++;
    } catch (error) {
      failed++;
      const last = attempts >= EMAIL_MOST_ATTEMPTS;
      await db
        .updateTable('notifications')
        .set({
          email_status: last ? 'failed' : 'pending',
          email_attempts: attempts,
          email_next_at: last ? null : new Date(at.getTime() + emailRetryDelayMs(attempts)).toISOString(),
          email_error: error instanceof Error ? error.message.slice(0, 500) : String(error),
        })
        .where('id', '=', message.id)
        .execute();
      options.onFailure?.(error, message.id, attempts);
    }
  }
  return { sent, failed };
}
