import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { isApiError, onSessionExpired, type LoginRequest, type Role, type User } from '../../api';
import { authApi, ME_QUERY_KEY } from './api';

export interface LoginRedirectState {
  /** Where the user was going before the guard sent them to /login. */
  from?: string;
  /** Why they are on the login page; 'expired' shows a notice. */
  reason?: 'expired' | 'logged-out';
}

interface AuthContextValue {
  user: User | null;
  /** True until the first "who am I" answer arrives. */
  loading: boolean;
  /** Why the last session ended (a 401, or the user logged out), until the next login; the guard passes it to the login page. */
  endReason: 'expired' | 'logged-out' | null;
  login: (req: LoginRequest) => Promise<User>;
  logout: () => Promise<void>;
  hasRole: (...roles: Role[]) => boolean;
}

const AuthContext = createContext<AuthContextValue | null>(null);

async function fetchMe(): Promise<User | null> {
  try {
    return await authApi.me();
  } catch (e) {
    if (isApiError(e) && e.status === 401) return null;
    throw e;
  }
}

/**
 * Owns the session: who is logged in (from `GET /api/auth/me`), login/logout, and the reaction to
 * a 401 anywhere (drop cached data; the route guard then sends the user to /login with a notice and
 * brings them back afterwards).
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [endReason, setEndReason] = useState<'expired' | 'logged-out' | null>(null);

  const me = useQuery({ queryKey: ME_QUERY_KEY, queryFn: fetchMe, staleTime: 5 * 60_000, retry: false });
  const user = me.data ?? null;

  // Dropping the user is enough: the route guard then redirects to /login, remembering the current location.
  useEffect(
    () =>
      onSessionExpired(() => {
        if (queryClient.getQueryData<User | null>(ME_QUERY_KEY) == null) return;
        setEndReason('expired');
        void queryClient.cancelQueries();
        queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_QUERY_KEY[0] });
        queryClient.setQueryData(ME_QUERY_KEY, null);
      }),
    [queryClient],
  );

  const login = useCallback(
    async (req: LoginRequest) => {
      const res = await authApi.login(req);
      setEndReason(null);
      queryClient.setQueryData(ME_QUERY_KEY, res.user);
      return res.user;
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } catch {
      // The session is dropped locally either way; a failed logout call must not trap the user.
    }
    // The guard sees no user and redirects to /login; without a `from`, the next login starts at the dashboard.
    setEndReason('logged-out');
    queryClient.clear();
    queryClient.setQueryData(ME_QUERY_KEY, null);
  }, [queryClient]);

  const hasRole = useCallback((...roles: Role[]) => !!user && roles.includes(user.role), [user]);

  const value = useMemo<AuthContextValue>(
    () => ({ user, loading: me.isPending, endReason, login, logout, hasRole }),
    [user, me.isPending, endReason, login, logout, hasRole],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}
