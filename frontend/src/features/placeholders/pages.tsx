import {
  IconAlertTriangle,
  IconApps,
  IconFileImport,
  IconHistory,
  IconListDetails,
  IconNetwork,
  IconServer2,
  IconUsers,
} from '@tabler/icons-react';
import { PlaceholderPage } from './PlaceholderPage';

// Each of these is replaced by its feature folder as the feature lands; headings stay the same words as the nav.

export function ApplicationsPage() {
  return (
    <PlaceholderPage
      title="Applications"
      description="SIP Proxy instances and SIP Server HA pairs, with their options."
      emptyDescription="No applications yet. Applications you create or import will be listed here."
      icon={<IconApps aria-hidden />}
    />
  );
}

export function SwitchesPage() {
  return (
    <PlaceholderPage
      title="Switches & DNs"
      description="Sites (switches) and their DNs, with their options."
      emptyDescription="No switches yet. Switches and their DNs will be listed here."
      icon={<IconServer2 aria-hidden />}
    />
  );
}

export function TrunksPage() {
  return (
    <PlaceholderPage
      title="Multi-site trunks"
      description="Trunks between sites: DNS-resolution mode, or one trunk per server of the remote pair."
      emptyDescription="No multi-site trunks yet."
      icon={<IconNetwork aria-hidden />}
    />
  );
}

export function AlarmsPage() {
  return (
    <PlaceholderPage
      title="Alarms"
      description="Out-of-service and other alarms raised by the proxy workers, live."
      emptyDescription="No alarms to show."
      icon={<IconAlertTriangle aria-hidden />}
    />
  );
}

export function VersionsPage() {
  return (
    <PlaceholderPage
      title="Versions"
      description="Configuration versions: what changed, when, and what each worker runs."
      emptyDescription="No configuration versions yet."
      icon={<IconHistory aria-hidden />}
    />
  );
}

export function AuditLogPage() {
  return (
    <PlaceholderPage
      title="Audit log"
      description="Who changed what, and when."
      emptyDescription="No audit entries yet."
      icon={<IconListDetails aria-hidden />}
    />
  );
}

export function UsersPage() {
  return (
    <PlaceholderPage
      title="Users"
      description="Accounts and roles (admin, operator, viewer)."
      emptyDescription="User management is coming here."
      icon={<IconUsers aria-hidden />}
    />
  );
}

export function ImportExportPage() {
  return (
    <PlaceholderPage
      title="Import/Export"
      description="Import or export the whole configuration as a YAML document."
      emptyDescription="Import and export of the YAML configuration document is coming here."
      icon={<IconFileImport aria-hidden />}
    />
  );
}

export function NotFoundPage() {
  return (
    <PlaceholderPage
      title="Page not found"
      description="The address does not match any page."
      emptyDescription="Use the navigation to find what you were looking for."
    />
  );
}
