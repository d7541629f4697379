import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Anchor, Button, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import type { SwitchView } from '../../api';
import { DataTable, useClientTable, type DataTableColumn } from '../../components/DataTable';
import { EmptyPanel } from '../../components/EmptyPanel';
import { Page } from '../../components/Page';
import { errorMessage } from '../../lib/notify';
import { useCan } from '../auth/permissions';
import { NewSwitchModal } from './NewSwitchModal';

import { useSwitches } from './api';

const columns: DataTableColumn<SwitchView>[] = [
  {
    key: 'name',
    header: 'Switch',
    value: (s) => s.name,
    sortable: true,
    render: (s) => (
      <Anchor component={Link} to={`/switches/${encodeURIComponent(s.name)}`} fw={500}>
        {s.name}
      </Anchor>
    ),
  },
  {
    key: 'sipServer',
    header: 'SIP Server (HA pair)',
    value: (s) => s.sipServer ?? '',
    sortable: true,
    render: (s) =>
      s.sipServer ? (
        <Anchor component={Link} to={`/applications/${encodeURIComponent(s.sipServer)}`} size="sm">
          {s.sipServer}
        </Anchor>
      ) : (
        <Text size="sm" c="dimmed">
          none
        </Text>
      ),
  },
  { key: 'dnCount', header: 'DNs', value: (s) => s.dnCount, sortable: true, align: 'right', searchable: false },
];

export function SwitchesPage() {
  const navigate = useNavigate();
  const switches = useSwitches();
  const table = useClientTable(switches.data ?? [], columns, { pageSize: 25 });
  const canEdit = useCan('edit-config');
  const [creating, setCreating] = useState(false);
  return (
    <Page
      title="Switches & DNs"
      description="Sites (switches) with the HA pair that serves each. Open a switch to see its DNs."
      actions={
        canEdit ? (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            New switch
          </Button>
        ) : null
      }
    >
      <DataTable
        label="Switches"
        columns={columns}
        getRowId={(s) => s.name}
        {...table}
        loading={switches.isPending}
        error={switches.isError ? errorMessage(switches.error) : undefined}
        onRowClick={(s) => navigate(`/switches/${encodeURIComponent(s.name)}`)}
        searchPlaceholder="Search switches"
        empty={<EmptyPanel title="No switches" description="Create one (New switch) or import a configuration." />}
      />
      {canEdit ? <NewSwitchModal opened={creating} onClose={() => setCreating(false)} /> : null}
    </Page>
  );
}
