import type { Role } from '../../api';
import { useAuth } from './AuthProvider';

/**
 * What each role may do, mirroring the control plane's guards (backend/src/control-plane/common/auth-context.ts:
 * `CanEditConfig` = admin, operator). The server decides; this only hides controls that would be refused.
 */
export const PERMISSIONS = {
  'edit-config': ['admin', 'operator'],
  'manage-users': ['admin'],
  'import-config': ['admin', 'operator'],
  /** Remote worker tokens and restarts (`@Roles('admin')` in the workers module). */
  'manage-workers': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleCan(role: Role | undefined, permission: Permission): boolean {
  return !!role && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** `const canEdit = useCan('edit-config')` — false for viewers and while logged out. */
export function useCan(permission: Permission): boolean {
  const { user } = useAuth();
  return roleCan(user?.role, permission);
}
