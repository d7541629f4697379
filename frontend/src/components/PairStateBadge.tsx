import { Badge } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { PairStateValue } from '../api';
import { StatusBadge, toServiceStatus } from './StatusBadge';

/** The state of an HA pair as the proxies see it, incl. "Proxies disagree" when their views differ. */
export function PairStateBadge({ state }: { state: PairStateValue }) {
  if (state === 'disagreement') {
    return (
      <Badge color="orange" variant="filled" leftSection={<IconAlertTriangle size={14} aria-hidden />} data-status="disagreement">
        Proxies disagree
      </Badge>
    );
  }
  return <StatusBadge status={toServiceStatus(state)} />;
}
