import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { StatusBadge, toServiceStatus } from './StatusBadge';
import { renderWithProviders } from '../test/utils';

describe('StatusBadge', () => {
  it.each([
    ['primary-active', 'Primary active'],
    ['backup-active', 'Backup active'],
    ['out-of-service', 'Out of service'],
    ['unknown', 'Unknown'],
  ] as const)('says %s in words', (status, text) => {
    renderWithProviders(<StatusBadge status={status} />);
    const badge = screen.getByText(text).closest('[data-status]');
    expect(badge).toHaveAttribute('data-status', status);
  });

  it('shows out of service in red', () => {
    renderWithProviders(<StatusBadge status="out-of-service" label="Out of service since 10:42" />);
    const badge = screen.getByText('Out of service since 10:42').closest('[data-status]') as HTMLElement;
    expect(badge.style.getPropertyValue('--badge-color') + badge.style.getPropertyValue('--badge-bg')).toMatch(/red/);
  });

  it('maps loose server spellings', () => {
    expect(toServiceStatus('OUT_OF_SERVICE')).toBe('out-of-service');
    expect(toServiceStatus('primary')).toBe('primary-active');
    expect(toServiceStatus(undefined)).toBe('unknown');
  });
});
