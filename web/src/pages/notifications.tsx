/**
 * The person's inbox (GET /api/v1/me/notifications): what waits for them, what was decided about what they
 * asked for, emergencies, agreements ending soon; each links to the thing concerned. Opening one marks it read.
 */
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError, type Notification, type NotificationPage, request } from '../api.ts';
import { notificationsChanged } from '../notifications.ts';
import { ErrorAlert, formatDateTime, Page, Pager, Status } from '../page.tsx';
import { usePaged } from '../use-api.ts';
import { Refusal } from './refusal.tsx';

export function NotificationsPage() {
  const [params, setParams] = useSearchParams();
  const unreadOnly = params.get('show') === 'unread';
  const list = usePaged<Notification>(`/api/v1/me/notifications${unreadOnly ? '?unread=true' : ''}`, 20);
  const [done, setDone] = useState('');
  const [failure, setFailure] = useState<ApiError | null>(null);
  const unread = (list.data as NotificationPage | undefined)?.unread ?? 0;

  const changed = (message: string) => {
    setDone(message);
    setFailure(null);
    list.reload();
    notificationsChanged();
  };
  const failed = (error: unknown) =>
    setFailure(error instanceof ApiError ? error : new ApiError('UNEXPECTED', 'Something went wrong.', 0));
  const markRead = (notification: Notification, quietly = false) =>
    request<Notification>('POST', `/api/v1/me/notifications/${encodeURIComponent(notification.id)}/read`, {
      body: {},
    }).then(
      () => (quietly ? notificationsChanged() : changed(`Marked as read: ${notification.title}`)),
      failed,
    );
  const markAll = () =>
    request<{ marked: number }>('POST', '/api/v1/me/notifications/read-all', { body: {} }).then(
      (r) =>
        changed(
          r.marked === 1 ? 'Marked 1 notification as read.' : `Marked ${r.marked} notifications as read.`,
        ),
      failed,
    );

  return (
    <Page title="Notifications">
      <p className="lead">
        Requests waiting for you, decisions about what you asked for, emergencies, and agreements of your
        organization that end within 30 days.
      </p>
      <Status loading={list.loading} label="Loading your notifications…" />
      <p role="status" className="notice">
        {done}
      </p>
      {failure ? <ErrorAlert error={failure} /> : null}
      {list.error ? <Refusal error={list.error} /> : null}
      {list.data ? (
        <>
          <p>
            {unread === 0 ? 'You have no unread notifications.' : `You have ${unread} unread.`}{' '}
            {unreadOnly ? (
              <Link to="/notifications" onClick={() => setParams({})}>
                Show all notifications
              </Link>
            ) : (
              <Link to="/notifications?show=unread">Show only unread</Link>
            )}
          </p>
          {unread > 0 ? (
            <p>
              <button type="button" className="button button--secondary" onClick={markAll}>
                Mark all as read
              </button>
            </p>
          ) : null}
          {list.data.items.length === 0 ? (
            <p>{unreadOnly ? 'Nothing unread.' : 'Nothing yet.'}</p>
          ) : (
            <ul className="inbox">
              {list.data.items.map((n) => (
                <li key={n.id} className={n.read ? 'inbox__item' : 'inbox__item inbox__item--unread'}>
                  <h2 className="inbox__title">
                    {n.read ? null : <strong className="tag tag--internal">Unread</strong>}{' '}
                    <Link to={n.link} onClick={() => (n.read ? undefined : markRead(n, true))}>
                      {n.title}
                    </Link>
                  </h2>
                  <p>{n.body}</p>
                  <p className="hint">
                    {formatDateTime(n.createdAt)}
                    {n.read ? null : (
                      <>
                        {' · '}
                        <button
                          type="button"
                          className="link-button"
                          aria-label={`Mark as read: ${n.title}`}
                          onClick={() => markRead(n)}
                        >
                          Mark as read
                        </button>
                      </>
                    )}
                  </p>
                </li>
              ))}
            </ul>
          )}
          <Pager paged={list} label="notifications" />
        </>
      ) : null}
    </Page>
  );
}
