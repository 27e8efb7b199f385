/** Who is signed in, read once from `GET /auth/session` and shared with every page. */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { request, type Session } from './api.ts';

interface SessionState {
  /** Undefined while the first answer is on its way. */
  session: Session | undefined;
  refresh(): Promise<void>;
  /** Ends the session; resolves only when the app stays here (no identity-provider page to visit). */
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState>({
  session: { signedIn: false },
  refresh: async () => {},
  signOut: async () => {},
});

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      setSession(await request<Session>('GET', '/auth/session'));
    } catch {
      // Without an answer nobody is shown as signed in; pages that need a person say why from the API.
      setSession({ signedIn: false });
    }
  }, []);

  const signOut = useCallback(async () => {
    const { logoutUrl } = await request<{ logoutUrl: string | null }>('POST', '/auth/logout');
    if (logoutUrl) {
      window.location.assign(logoutUrl);
      return new Promise<void>(() => {});
    }
    setSession({ signedIn: false });
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return <SessionContext.Provider value={{ session, refresh, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}
