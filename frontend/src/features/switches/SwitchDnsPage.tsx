import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Anchor, Badge, Button, Group, Select, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { type Dn, type SwitchView } from '../../api';
import { DataTable, listParams, useTableState, type DataTableColumn } from '../../components/DataTable';
import { EmptyPanel } from '../../components/EmptyPanel';
import { Page } from '../../components/Page';
import { useCan } from '../auth/permissions';
import { errorMessage } from '../../lib/notify';
import { Crumbs } from '../../components/config-edit/OptionsFormLayout';
import { useAllApplications } from '../applications/api';
import { TRUNKS_KEY, useTrunkLinks } from '../trunks/api';
import { switchReferences } from '../../lib/references';
import { DeleteDialog } from '../../components/config-edit/DeleteDialog';
import { DNS_KEY, SWITCHES_KEY, switchesApi, useDnsPage, useSwitch, useSwitches } from './api';
import { DN_TYPES, NewDnModal } from './NewDnModal';

const TYPE_COLOR: Record<string, string> = { 'voip-service': 'grape', trunk: 'cyan', extension: 'gray' };

function summary(d: Dn): string {
  const t = d.options?.TServer ?? {};
  const parts: string[] = [];
  if (t['service-type']) parts.push(String(t['service-type']));
  if (t.contact) parts.push(`contact ${String(t.contact)}`);
  if (t['oos-check'] !== undefined) parts.push(`oos-check ${String(t['oos-check'])}`);
  return parts.join(' · ');
}

/** "Delete switch": its DNs, trunks from other sites and the pool serving only it, then the server's verdict. */
function DeleteSwitch({ sw, onReload }: { sw: SwitchView; onReload: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const all = useAllApplications();
  const switches = useSwitches();
  const trunks = useTrunkLinks();
  const full = switches.data?.find((s) => s.name === sw.name);
  const references =
    all.data && switches.data && trunks.data
      ? switchReferences({ ...sw, dnCount: full?.dnCount ?? sw.dnCount ?? 0 }, all.data.items, switches.data, trunks.data)
      : undefined;
  return (
    <DeleteDialog
      kind="switch"
      name={sw.name}
      noun="switch"
      references={references}
      revision={sw.revision}
      send={(dryRun) => switchesApi.remove(sw.name, sw.revision, dryRun)}
      onDeleted={() => {
        navigate('/switches');
        qc.removeQueries({ queryKey: [...SWITCHES_KEY, 'one', sw.name] });
        void qc.invalidateQueries({ queryKey: SWITCHES_KEY });
        void qc.invalidateQueries({ queryKey: DNS_KEY });
        void qc.invalidateQueries({ queryKey: TRUNKS_KEY });
      }}
      onReload={onReload}
    />
  );
}

export function SwitchDnsPage() {
  const { sw = '' } = useParams();
  const navigate = useNavigate();
  const canEdit = useCan('edit-config');
  const [type, setType] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const one = useSwitch(sw, canEdit);
  const { query, tableProps } = useTableState({ pageSize: 50, sort: { key: 'number', direction: 'asc' } });
  const dns = useDnsPage(sw, listParams(query), type);
  const link = (d: Dn) => `/switches/${encodeURIComponent(sw)}/dns/${encodeURIComponent(d.number)}`;
  const columns: DataTableColumn<Dn>[] = [
    {
      key: 'number',
      header: 'Number',
      sortable: true,
      render: (d) => (
        // Long numbers (E.164 with prefixes) wrap rather than being cut off; the title shows it whole on hover.
        <Anchor component={Link} to={link(d)} fw={500} ff="monospace" title={d.number} style={{ overflowWrap: 'anywhere' }}>
          {d.number}
        </Anchor>
      ),
    },
    {
      key: 'type',
      header: 'Type',
      sortable: true,
      render: (d) => (
        <Badge size="sm" variant="light" color={TYPE_COLOR[d.type] ?? 'gray'}>
          {d.type}
        </Badge>
      ),
    },
    {
      key: 'summary',
      header: 'Main options',
      render: (d) => (
        <Text size="xs" c="dimmed" lineClamp={3} title={summary(d)} style={{ overflowWrap: 'anywhere' }}>
          {summary(d)}
        </Text>
      ),
      visibleFrom: 'sm',
    },
  ];
  return (
    <Page
      title={`Switch ${sw}`}
      description="Its DNs: search by number, filter by type, open one to edit its options."
      actions={
        canEdit ? (
          <Group gap="sm">
            <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
              New DN
            </Button>
            {one.data ? <DeleteSwitch sw={one.data} onReload={() => void one.refetch()} /> : null}
          </Group>
        ) : null
      }
    >
      <Crumbs items={[{ label: 'Switches & DNs', to: '/switches' }, { label: sw }]} />
      <DataTable
        label={`DNs of ${sw}`}
        columns={columns}
        rows={dns.data?.items ?? []}
        total={dns.data?.total ?? 0}
        getRowId={(d) => d.number}
        {...tableProps}
        loading={dns.isPending}
        fetching={dns.isFetching && !dns.isPending}
        error={dns.isError ? errorMessage(dns.error) : undefined}
        onRowClick={(d) => navigate(link(d))}
        searchPlaceholder="Search by number"
        toolbar={
          <Select
            aria-label="Filter by DN type"
            placeholder="All types"
            data={DN_TYPES}
            value={type}
            onChange={(v) => {
              setType(v);
              tableProps.onPageChange(1);
            }}
            clearable
            w={180}
          />
        }
        empty={<EmptyPanel title="No DNs" description={type ? 'No DNs of this type.' : 'This switch has no DNs yet.'} />}
      />
      {canEdit ? <NewDnModal sw={sw} opened={creating} onClose={() => setCreating(false)} /> : null}
    </Page>
  );
}
