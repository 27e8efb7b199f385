/** Notifications (issue 16): each person's inbox, made from the governance events, and emailed when configured. */
export { collectNotifications } from './collect.ts';
export { listNotifications, markAllRead, markRead, type NotificationView, unreadCount } from './inbox.ts';
export { emailText, type MailTransport, sendDueEmails, smtpTransport } from './mail.ts';
export { Notifier } from './notifier.ts';
export * as schemas from './schemas.ts';
