import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Badge, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { locatedErrors, type Dn, type SwitchView } from '../../api';
import { DataTable, listParams, useTableState, type DataTableColumn } from '../../components/DataTable';
import { EmptyPanel } from '../../components/EmptyPanel';
import { Page } from '../../components/Page';
import { useCan } from '../auth/permissions';
import { errorMessage, notifySuccess } from '../../lib/notify';
import { Crumbs } from '../../components/config-edit/OptionsFormLayout';
import { useAllApplications } from '../applications/api';
import { TRUNKS_KEY, useTrunkLinks } from '../trunks/api';
import { switchReferences } from '../../lib/references';
import { DeleteDialog } from '../../components/config-edit/DeleteDialog';
import { DNS_KEY, SWITCHES_KEY, switchesApi, useDnsPage, useSwitch, useSwitches } from './api';

export const DN_TYPES = [
  { value: 'voip-service', label: 'VoIP Service' },
  { value: 'trunk', label: 'Trunk' },
  { value: 'extension', label: 'Extension' },
];

const TYPE_COLOR: Record<string, string> = { 'voip-service': 'grape', trunk: 'cyan', extension: 'gray' };

function summary(d: Dn): string {
  const t = d.options?.TServer ?? {};
  const parts: string[] = [];
  if (t['service-type']) parts.push(String(t['service-type']));
  if (t.contact) parts.push(`contact ${String(t.contact)}`);
  if (t['oos-check'] !== undefined) parts.push(`oos-check ${String(t['oos-check'])}`);
  return parts.join(' · ');
}

function CreateDnModal({ sw, opened, onClose }: { sw: string; opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [number, setNumber] = useState('');
  const [type, setType] = useState<string | null>('extension');
  const create = useMutation({
    mutationFn: () => switchesApi.createDn(sw, { number: number.trim(), type: type ?? 'extension', options: {} }),
    onSuccess: () => {
      notifySuccess(`DN ${number.trim()} created on ${sw}`);
      void qc.invalidateQueries({ queryKey: DNS_KEY });
      void qc.invalidateQueries({ queryKey: SWITCHES_KEY });
      onClose();
      navigate(`/switches/${encodeURIComponent(sw)}/dns/${encodeURIComponent(number.trim())}`);
    },
  });
  const errs = create.error ? locatedErrors(create.error) : [];
  return (
    <Modal opened={opened} onClose={onClose} title={`New DN on ${sw}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (number.trim()) create.mutate();
        }}
      >
        <Stack>
          <TextInput
            label="DN number"
            required
            value={number}
            onChange={(e) => setNumber(e.currentTarget.value)}
            data-autofocus
            error={errs.find((e) => e.field === 'number')?.message}
          />
          <Select label="DN type" data={DN_TYPES} value={type} onChange={setType} allowDeselect={false} />
          {create.isError ? (
            <Alert color="red" role="alert" title="Not created">
              {errs.length ? errs.map((e) => <Text size="sm" key={e.path + e.message}>{e.message}</Text>) : errorMessage(create.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!number.trim()}>
              Create DN
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** "Delete switch": its DNs, trunks from other sites and the pool serving only it, then the server's verdict. */
function DeleteSwitch({ sw, onReload }: { sw: SwitchView; onReload: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const all = useAllApplications();
  const switches = useSwitches();
  const trunks = useTrunkLinks();
  const full = switches.data?.find((s) => s.name === sw.name);
  const references = all.data && switches.data && trunks.data ? switchReferences({ ...sw, dnCount: full?.dnCount ?? sw.dnCount ?? 0 }, all.data.items, switches.data, trunks.data) : undefined;
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
      {canEdit ? <CreateDnModal sw={sw} opened={creating} onClose={() => setCreating(false)} /> : null}
    </Page>
  );
}
