import { describe, expect, it } from 'vitest';
import { roleCan } from './permissions';

describe('roleCan', () => {
  it('lets admins and operators edit configuration, not viewers', () => {
    expect(roleCan('admin', 'edit-config')).toBe(true);
    expect(roleCan('operator', 'edit-config')).toBe(true);
    expect(roleCan('viewer', 'edit-config')).toBe(false);
    expect(roleCan(undefined, 'edit-config')).toBe(false);
  });

  it('keeps user management to admins', () => {
    expect(roleCan('operator', 'manage-users')).toBe(false);
    expect(roleCan('admin', 'manage-users')).toBe(true);
  });
});
