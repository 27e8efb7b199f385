/**
 * The unread count the header's bell shows, kept fresh: read when the page changes, every minute, and at
 * once when the inbox marks something read (`notificationsChanged`).
 */
import { useEffect, useState } from 'react';
import { type NotificationPage, request } from './api.ts';

const CHANGED = 'govdx:notifications-changed';
const EVERY_MS = 60_000;

/** Tells the bell that the person's notifications changed (read here). */
export function notificationsChanged(): void {
  window.dispatchEvent(new Event(CHANGED));
}

/** The signed-in person's unread count; null while unknown or when nobody is signed in. */
export function useUnreadCount(signedIn: boolean, pathname: string): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!signedIn) {
      setCount(null);
      return;
    }
    const controller = new AbortController();
    const read = () =>
      request<NotificationPage>('GET', '/api/v1/me/notifications?limit=1', {
        signal: controller.signal,
      }).then(
        (page) => setCount(page.unread),
        () => {},
      );
    void read();
    // `pathname` is read so that each page change looks again.
    void pathname;
    const timer = setInterval(read, EVERY_MS);
    window.addEventListener(CHANGED, read);
    return () => {
      controller.abort();
      clearInterval(timer);
      window.removeEventListener(CHANGED, read);
    };
  }, [signedIn, pathname]);
  return count;
}
