import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Anchor, Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import type { Application } from '../../api';
import { DataTable, listParams, useClientTable, useTableState, type DataTableColumn } from '../../components/DataTable';
import { EmptyPanel } from '../../components/EmptyPanel';
import { Page } from '../../components/Page';
import { errorMessage } from '../../lib/notify';
import { useCan } from '../auth/permissions';
import { NewApplicationModal } from './NewApplicationModal';
import { useProxiesPage, useSipServers } from './api';

interface PairRow {
  name: string;
  primary: Application;
  backup?: Application;
}

const addr = (a?: Application) => (a ? `${a.host ?? '?'}:${a.ports?.['sip-port'] ?? '?'}` : '');

function AppLink({ name }: { name: string }) {
  return (
    <Anchor component={Link} to={`/applications/${encodeURIComponent(name)}`} fw={500}>
      {name}
    </Anchor>
  );
}

const pairColumns: DataTableColumn<PairRow>[] = [
  {
    key: 'name',
    header: 'HA pair',
    value: (r) => r.name,
    render: (r) => (
      <Text fw={600} size="sm">
        {r.name}
      </Text>
    ),
    sortable: true,
  },
  {
    key: 'primary',
    header: 'Primary',
    value: (r) => r.primary.name,
    render: (r) => (
      <Group gap={6} wrap="nowrap">
        <AppLink name={r.primary.name} />
        <Text size="xs" c="dimmed" ff="monospace">
          {addr(r.primary)}
        </Text>
      </Group>
    ),
  },
  {
    key: 'backup',
    header: 'Backup',
    value: (r) => r.backup?.name ?? '',
    render: (r) =>
      r.backup ? (
        <Group gap={6} wrap="nowrap">
          <AppLink name={r.backup.name} />
          <Text size="xs" c="dimmed" ff="monospace">
            {addr(r.backup)}
          </Text>
        </Group>
      ) : r.primary.backup ? (
        <Text size="sm" c="red">
          {r.primary.backup} (missing)
        </Text>
      ) : (
        <Text size="sm" c="dimmed">
          no backup
        </Text>
      ),
  },
];

const proxyColumns: DataTableColumn<Application>[] = [
  { key: 'name', header: 'Proxy', render: (a) => <AppLink name={a.name} />, sortable: true },
  {
    key: 'host',
    header: 'Address',
    sortable: true,
    render: (a) => (
      <Text size="sm" ff="monospace">
        {a.host ?? '—'}
      </Text>
    ),
  },
  {
    key: 'ports',
    header: 'Ports',
    render: (a) => (
      <Group gap={4}>
        {Object.entries(a.ports ?? {}).map(([k, v]) => (
          <Badge key={k} size="sm" variant="default" tt="none">
            {k} {v}
          </Badge>
        ))}
      </Group>
    ),
    visibleFrom: 'md',
  },
  {
    key: 'serves',
    header: 'Serves',
    render: (a) => String(a.options?.sipproxy?.['servicing-sipserver'] ?? '—'),
  },
];

/** Groups SIP Servers into HA pairs: a primary names its backup; a server nobody names as backup is its own pair. */
export function groupPairs(servers: Application[]): PairRow[] {
  const byName = new Map(servers.map((s) => [s.name, s]));
  const backups = new Set(servers.map((s) => s.backup).filter((b): b is string => !!b));
  return servers
    .filter((s) => !backups.has(s.name) || s.backup)
    .map((s) => ({ name: s.name, primary: s, backup: s.backup ? byName.get(s.backup) : undefined }));
}

function PairsSection() {
  const navigate = useNavigate();
  const servers = useSipServers();
  const pairs = useMemo(() => groupPairs(servers.data?.items ?? []), [servers.data]);
  const table = useClientTable(pairs, pairColumns, { pageSize: 25 });
  return (
    <Stack gap="xs" component="section" aria-labelledby="pairs-title">
      <Title order={2} size="h4" id="pairs-title">
        SIP Server HA pairs
      </Title>
      <DataTable
        label="HA pairs"
        columns={pairColumns}
        getRowId={(r) => r.name}
        {...table}
        loading={servers.isPending}
        error={servers.isError ? errorMessage(servers.error) : undefined}
        onRowClick={(r) => navigate(`/applications/${encodeURIComponent(r.primary.name)}`)}
        searchPlaceholder="Search by server name"
        empty={
          <EmptyPanel title="No SIP Servers" description="Create a SIP Server application (New application) or import a configuration." />
        }
      />
    </Stack>
  );
}

function ProxiesSection() {
  const navigate = useNavigate();
  const { query, tableProps } = useTableState({ pageSize: 25, sort: { key: 'name', direction: 'asc' } });
  const proxies = useProxiesPage(listParams(query));
  return (
    <Stack gap="xs" component="section" aria-labelledby="proxies-title">
      <Title order={2} size="h4" id="proxies-title">
        SIP Proxy pool
      </Title>
      <DataTable
        label="SIP proxies"
        columns={proxyColumns}
        rows={proxies.data?.items ?? []}
        total={proxies.data?.total ?? 0}
        getRowId={(a) => a.name}
        {...tableProps}
        loading={proxies.isPending}
        fetching={proxies.isFetching && !proxies.isPending}
        error={proxies.isError ? errorMessage(proxies.error) : undefined}
        onRowClick={(a) => navigate(`/applications/${encodeURIComponent(a.name)}`)}
        searchPlaceholder="Search by name or host"
        empty={<EmptyPanel title="No SIP Proxies" description="Create a SIP Proxy instance (New application) or import a configuration." />}
      />
    </Stack>
  );
}

export function ApplicationsPage() {
  const canEdit = useCan('edit-config');
  const [creating, setCreating] = useState(false);
  return (
    <Page
      title="Applications"
      description="SIP Server HA pairs and the SIP Proxy pool. Open one to edit its options or delete it."
      actions={
        canEdit ? (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            New application
          </Button>
        ) : null
      }
    >
      <PairsSection />
      <ProxiesSection />
      {canEdit ? <NewApplicationModal opened={creating} onClose={() => setCreating(false)} /> : null}
    </Page>
  );
}
