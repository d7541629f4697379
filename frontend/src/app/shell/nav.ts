import {
  IconActivityHeartbeat,
  IconAlertTriangle,
  IconApps,
  IconCertificate,
  IconFileImport,
  IconHistory,
  IconLayoutDashboard,
  IconListDetails,
  IconTimeline,
  IconMap2,
  IconNetwork,
  IconPlugConnected,
  IconRoute,
  IconServer2,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';
import type { Role } from '../../api';

export interface NavItem {
  /** Visible text and accessible name of the link; page headings use the same words. */
  label: string;
  to: string;
  icon: Icon;
  /** Only these roles see the link (and may open the route). */
  roles?: Role[];
  /** Match only the exact path (for "/"). */
  end?: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  { label: 'Dashboard', to: '/', icon: IconLayoutDashboard, end: true },
  { label: 'Site map', to: '/sites', icon: IconMap2 },
  { label: 'Applications', to: '/applications', icon: IconApps },
  { label: 'Switches & DNs', to: '/switches', icon: IconServer2 },
  { label: 'Multi-site trunks', to: '/trunks', icon: IconNetwork },
  { label: 'Alarms', to: '/alarms', icon: IconAlertTriangle },
  { label: 'Certificates', to: '/certificates', icon: IconCertificate },
  { label: 'SIP trace', to: '/trace', icon: IconTimeline, roles: ['admin', 'operator'] },
  { label: 'Route preview', to: '/route-preview', icon: IconRoute, roles: ['admin', 'operator'] },
  { label: 'Connections', to: '/connections', icon: IconPlugConnected, roles: ['admin', 'operator'] },
  { label: 'Versions', to: '/versions', icon: IconHistory },
  { label: 'Audit log', to: '/audit', icon: IconListDetails },
  { label: 'Users', to: '/users', icon: IconUsers, roles: ['admin'] },
  { label: 'Import/Export', to: '/import-export', icon: IconFileImport },
];

export const BRAND_ICON = IconActivityHeartbeat;
