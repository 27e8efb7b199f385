/**
 * Notifications by email, against a real SMTP server started here (smtp-server): each is sent once, to the
 * person's address, with the notification's title as subject and a link to the thing; a refused attempt is
 * tried again later, and the request that caused it never waits.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { call, startTestServer, type TestServer } from '../support/server.ts';

interface Received {
  to: string[];
  raw: string;
}

/** The message's text with quoted-printable soft line breaks and escapes undone. */
const plain = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)));

describe('notifications by email (SMTP)', () => {
  let smtp: SMTPServer;
  let server: TestServer;
  const received: Received[] = [];
  let refuseNext = 0;
  let admin: string;
  let steward: { personId: string; token: string };
  let email = '';

  before(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(_address, _session, callback) {
        if (refuseNext > 0) {
          refuseNext--;
          const error = new Error('Mailbox busy, try later') as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
          return;
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    server = await startTestServer('sqlite', {
      smtpUrl: `smtp://127.0.0.1:${port}`,
      mailFrom: 'Data exchange <no-reply@example.gov>',
    });
    admin = (await server.user([{ role: 'platform_admin', organization: 'digital-agency' }])).token;
    steward = await server.user([{ role: 'data_steward', organization: 'housing-agency' }]);
    const person = await server.fresh.store.db
      .selectFrom('people')
      .select('email')
      .where('id', '=', steward.personId)
      .executeTakeFirstOrThrow();
    email = person.email!;
  });
  after(async () => {
    await server?.close();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  });

  const declare = async (name: string) => {
    const declared = await call(server.url, 'POST', '/api/v1/emergencies', {
      token: admin,
      body: { name, reason: 'A test.', endsAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    assert.equal(declared.status, 201, declared.text);
  };
  const about = (name: string) => received.filter((m) => plain(m.raw).includes(name));

  test('each notification is emailed once, to the person, with its title as subject and a link', async () => {
    await declare('Storm Bea');
    await server.node.app.notifications.run();
    await server.node.app.notifications.run();
    const messages = about('Storm Bea');
    assert.equal(messages.length, 1, 'once');
    const [message] = messages;
    assert.deepEqual(message!.to, [email]);
    const text = plain(message!.raw);
    assert.match(text, /^Subject: Emergency declared: Storm Bea\r?$/m);
    assert.match(text, /^From: Data exchange <no-reply@example\.gov>\r?$/m);
    assert.ok(text.includes(`${server.url}/agency-console`), 'links to the thing concerned');
    assert.ok(text.includes(`${server.url}/notifications`), 'and to the inbox');
    const row = await server.fresh.store.db
      .selectFrom('notifications')
      .selectAll()
      .where('person_id', '=', steward.personId)
      .where('title', '=', 'Emergency declared: Storm Bea')
      .executeTakeFirstOrThrow();
    assert.equal(row.email_status, 'sent');
    assert.equal(row.email_attempts, 1);
  });

  test('a refused attempt is tried again after the wait, and then sent', async () => {
    refuseNext = 1;
    await declare('Storm Cai');
    const first = await server.node.app.notifications.run();
    assert.equal(first.failed, 1);
    assert.equal(about('Storm Cai').length, 0);
    const row = () =>
      server.fresh.store.db
        .selectFrom('notifications')
        .selectAll()
        .where('person_id', '=', steward.personId)
        .where('title', '=', 'Emergency declared: Storm Cai')
        .executeTakeFirstOrThrow();
    const waiting = await row();
    assert.equal(waiting.email_status, 'pending');
    assert.equal(waiting.email_attempts, 1);
    assert.match(waiting.email_error ?? '', /Mailbox busy/);
    const soon = await server.node.app.notifications.run();
    assert.equal(soon.sent, 0, 'not before the wait');
    await server.node.app.notifications.run(new Date(Date.now() + 2 * 60_000));
    assert.equal(about('Storm Cai').length, 1);
    assert.equal((await row()).email_status, 'sent');
    assert.equal((await row()).email_attempts, 2);
  });
});
