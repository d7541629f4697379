import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import type { PairState } from '../api/types';
import { PairStateCard } from './PairStateCard';
import { renderWithProviders } from '../test/utils';

const pair = (state: PairState['state']): PairState => ({
  name: 'SIPServer_A',
  serving: true,
  state,
  since: '2026-11-22T00:00:00Z',
  servers: [
    {
      role: 'primary',
      name: 'SIPServer_A',
      host: '10.0.0.1',
      port: 5060,
      up: state !== 'out-of-service' && state !== 'backup-active',
      lastCode: 200,
      lastRttMs: 3,
    },
    { role: 'backup', name: 'SIPServer_A_B', host: '::1', port: 5070, up: state === 'backup-active' },
  ],
});

describe('PairStateCard', () => {
  it('marks the server the proxy sees active', () => {
    renderWithProviders(<PairStateCard pair={pair('backup-active')} proxy="SIPProxy_A" />);
    const region = screen.getByRole('region', { name: /^SIPServer_A\s*as seen by SIPProxy_A$/ });
    expect(within(region).getByText('Backup active')).toBeInTheDocument();
    const rows = within(region).getAllByRole('row');
    const backupRow = rows.find((r) => r.textContent?.includes('SIPServer_A_B'))!;
    expect(within(backupRow).getByText('active')).toBeInTheDocument();
    expect(within(backupRow).getByText('[::1]:5070')).toBeInTheDocument();
    expect(within(region).getByText('serving')).toBeInTheDocument();
  });

  it('shows out of service with no active server', () => {
    renderWithProviders(<PairStateCard pair={pair('out-of-service')} />);
    expect(screen.getByText('Out of service')).toBeInTheDocument();
    expect(screen.queryByText('active')).not.toBeInTheDocument();
    expect(screen.getAllByText('not answering')).toHaveLength(2);
  });
});
