import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { Center, Loader } from '@mantine/core';
import type { Role } from '../../api';
import { useAuth, type LoginRedirectState } from './AuthProvider';
import { ForbiddenPage } from './ForbiddenPage';

interface RequireAuthProps {
  /** When given, only these roles may see the content; others get a "not allowed" page. */
  roles?: Role[];
  children?: ReactNode;
}

/** Route guard: not logged in -> /login (remembering where the user was going). */
export function RequireAuth({ roles, children }: RequireAuthProps) {
  const { user, loading, endReason } = useAuth();
  const location = useLocation();

  if (loading) {
    return (
      <Center h="100dvh" role="status" aria-live="polite">
        <Loader aria-label="Checking your session" />
      </Center>
    );
  }
  if (!user) {
    const state: LoginRedirectState =
      endReason === 'logged-out'
        ? { reason: 'logged-out' }
        : {
            from: location.pathname + location.search + location.hash,
            ...(endReason === 'expired' ? { reason: 'expired' as const } : {}),
          };
    return <Navigate to="/login" replace state={state} />;
  }
  if (roles && !roles.includes(user.role)) return <ForbiddenPage />;
  return <>{children ?? <Outlet />}</>;
}
