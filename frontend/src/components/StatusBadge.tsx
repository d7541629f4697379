import { Badge, type BadgeProps } from '@mantine/core';
import { IconCircleCheck, IconCircleHalf2, IconCircleX, IconHelpCircle, type Icon } from '@tabler/icons-react';

/** What a proxy sees of an HA pair (or what a server is): the states the dashboard and alarms show. */
export type ServiceStatus = 'primary-active' | 'backup-active' | 'out-of-service' | 'unknown';

interface StatusStyle {
  label: string;
  color: string;
  icon: Icon;
}

export const SERVICE_STATUS: Record<ServiceStatus, StatusStyle> = {
  'primary-active': { label: 'Primary active', color: 'green', icon: IconCircleCheck },
  'backup-active': { label: 'Backup active', color: 'yellow', icon: IconCircleHalf2 },
  'out-of-service': { label: 'Out of service', color: 'red', icon: IconCircleX },
  unknown: { label: 'Unknown', color: 'gray', icon: IconHelpCircle },
};

/** Maps loosely spelled server states (`'primary'`, `'oos'`, `'OUT_OF_SERVICE'`...) onto a ServiceStatus. */
export function toServiceStatus(raw: string | null | undefined): ServiceStatus {
  const s = (raw ?? '').toLowerCase().replace(/[\s_]+/g, '-');
  if (s === 'primary-active' || s === 'primary') return 'primary-active';
  if (s === 'backup-active' || s === 'backup') return 'backup-active';
  if (s === 'out-of-service' || s === 'oos' || s === 'down') return 'out-of-service';
  return 'unknown';
}

export interface StatusBadgeProps extends Omit<BadgeProps, 'color' | 'leftSection' | 'children'> {
  status: ServiceStatus;
  /** Replaces the default text (e.g. "Out of service since 10:42"); the colour and icon still follow `status`. */
  label?: string;
}

/**
 * Service-state badge: green primary active, yellow backup active, red out of service, grey unknown.
 * The state is in the text as well as the colour, so it reads the same to screen readers and in greyscale.
 */
export function StatusBadge({ status, label, variant = 'light', size = 'md', ...rest }: StatusBadgeProps) {
  const style = SERVICE_STATUS[status] ?? SERVICE_STATUS.unknown;
  const Icon = style.icon;
  return (
    <Badge {...rest} variant={variant} size={size} color={style.color} leftSection={<Icon size={14} aria-hidden />} data-status={status}>
      {label ?? style.label}
    </Badge>
  );
}
