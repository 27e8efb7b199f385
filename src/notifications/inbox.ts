/** A person's inbox: their notifications, newest first, the unread count, and marking them read. */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { notFound } from '../domain/index.ts';
import { type Database, keysetPage, type NotificationTable, now, timeIdKey, toPage } from '../store/index.ts';
import type { Notification } from './schemas.ts';

type Db = Kysely<Database>;
export type NotificationView = Static<typeof Notification>;

function toView(row: NotificationTable): NotificationView {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    createdAt: row.created_at,
    read: row.read_at !== null,
    readAt: row.read_at,
  };
}

export async function unreadCount(db: Db, personId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('person_id', '=', personId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** A page of the person's notifications, newest first, with how many are unread. */
export async function listNotifications(
  db: Db,
  personId: string,
  page: { limit: number; after: string | null; unreadOnly: boolean },
) {
  let query = db.selectFrom('notifications').selectAll().where('person_id', '=', personId);
  if (page.unreadOnly) query = query.where('read_at', 'is', null);
  const rows = await keysetPage(
    query,
    { time: 'created_at', id: 'id', direction: 'desc' },
    page.after,
    page.limit,
  ).execute();
  const result = toPage(rows, page.limit, (r) => timeIdKey(r.created_at, r.id), toView);
  return { ...result, unread: await unreadCount(db, personId) };
}

/** Marks one of the person's notifications read (again: nothing changes); another's is not found. */
export async function markRead(db: Db, personId: string, id: string): Promise<NotificationView> {
  await db
    .updateTable('notifications')
    .set({ read_at: now() })
    .where('id', '=', id)
    .where('person_id', '=', personId)
    .where('read_at', 'is', null)
    .execute();
  const row = await db
    .selectFrom('notifications')
    .selectAll()
    .where('id', '=', id)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  if (!row) throw notFound('notification', id);
  return toView(row);
}

/** Marks every notification of the person read; resolves with how many were unread. */
export async function markAllRead(db: Db, personId: string): Promise<number> {
  const result = await db
    .updateTable('notifications')
    .set({ read_at: now() })
    .where('person_id', '=', personId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
