import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconCheck, IconCircleCheck } from '@tabler/icons-react';
import type { AlarmView } from '../../api';
import { DataTable, useClientTable, useTableState, type DataTableColumn } from '../../components/DataTable';
import { EmptyPanel } from '../../components/EmptyPanel';
import { Page } from '../../components/Page';
import { useCan } from '../auth/permissions';
import { fmtTime } from '../../lib/format';
import { errorMessage, notifyError, notifySuccess } from '../../lib/notify';
import { useLive } from '../live/liveStore';
import { ACTIVE_ALARMS_KEY, alarmsApi, useActiveAlarms, useAlarmHistory } from './api';

export const SEVERITY_COLOR: Record<string, string> = { critical: 'red', major: 'orange', minor: 'yellow', warning: 'blue' };
const SEVERITY_RANK: Record<string, number> = { critical: 0, major: 1, minor: 2, warning: 3 };

/** Time over date, each unbroken: a locale date-time wrapped at random spaces made the history columns ragged. */
export function TimeCell({ iso }: { iso: string | null | undefined }) {
  if (!iso)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return <Text size="sm">{iso}</Text>;
  return (
    <Stack gap={0} title={d.toLocaleString()}>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {d.toLocaleTimeString()}
      </Text>
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        {d.toLocaleDateString()}
      </Text>
    </Stack>
  );
}

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <Badge
      size="sm"
      color={SEVERITY_COLOR[severity] ?? 'gray'}
      variant={severity === 'critical' ? 'filled' : 'light'}
      style={{ flex: 'none', overflow: 'visible' }}
    >
      {severity}
    </Badge>
  );
}

function AckButton({ alarm }: { alarm: AlarmView }) {
  const qc = useQueryClient();
  const ack = useMutation({
    mutationFn: () => alarmsApi.acknowledge(alarm.id),
    onSuccess: () => {
      notifySuccess(`Alarm acknowledged: ${alarm.reason}`);
      void qc.invalidateQueries({ queryKey: ACTIVE_ALARMS_KEY });
    },
    onError: (e) => notifyError(e, 'Could not acknowledge'),
  });
  return (
    <Button
      size="compact-xs"
      variant="light"
      leftSection={<IconCheck size={12} aria-hidden />}
      aria-label={`Acknowledge alarm ${alarm.source}: ${alarm.reason}`}
      onClick={(e) => {
        e.stopPropagation();
        ack.mutate();
      }}
      loading={ack.isPending}
    >
      Acknowledge
    </Button>
  );
}

function common(): DataTableColumn<AlarmView>[] {
  return [
    {
      key: 'severity',
      header: 'Severity',
      value: (a) => SEVERITY_RANK[a.severity] ?? 9,
      render: (a) => <SeverityBadge severity={a.severity} />,
      sortable: true,
      searchable: false,
      width: 110,
    },
    { key: 'source', header: 'Source', value: (a) => a.source, sortable: true },
    {
      key: 'reason',
      header: 'Reason',
      value: (a) => a.reason,
      render: (a) => (
        <Stack gap={0}>
          <Text size="sm">{a.reason}</Text>
          {a.eventName ? (
            <Text size="xs" c="dimmed">
              {a.eventName} ({a.eventId})
            </Text>
          ) : null}
        </Stack>
      ),
    },
    { key: 'trigger', header: 'Trigger', value: (a) => a.trigger, visibleFrom: 'md' },
    { key: 'raisedAt', header: 'Raised', value: (a) => a.raisedAt, render: (a) => fmtTime(a.raisedAt), sortable: true },
  ];
}

function ActiveAlarms() {
  const canAck = useCan('edit-config');
  const alarms = useActiveAlarms();
  const columns: DataTableColumn<AlarmView>[] = [
    ...common(),
    {
      key: 'ack',
      header: 'Acknowledged by',
      value: (a) => a.acknowledgedBy ?? '',
      render: (a) =>
        a.acknowledgedBy ? (
          <Tooltip label={fmtTime(a.acknowledgedAt)}>
            <Text size="sm">{a.acknowledgedBy}</Text>
          </Tooltip>
        ) : canAck ? (
          <AckButton alarm={a} />
        ) : (
          <Text size="sm" c="dimmed">
            not yet
          </Text>
        ),
    },
  ];
  const table = useClientTable(alarms.data ?? [], columns, { pageSize: 25, sort: { key: 'severity', direction: 'asc' } });
  return (
    <Stack gap="xs" component="section" aria-labelledby="active-alarms-title">
      <Group gap="xs">
        <Title order={2} size="h4" id="active-alarms-title">
          Active alarms
        </Title>
        <Badge color={(alarms.data?.length ?? 0) > 0 ? 'red' : 'green'} variant="light" data-testid="active-alarm-count">
          {alarms.data?.length ?? 0}
        </Badge>
      </Group>
      <DataTable
        label="Active alarms"
        columns={columns}
        getRowId={(a) => a.id}
        {...table}
        loading={alarms.isPending}
        error={alarms.isError ? errorMessage(alarms.error) : undefined}
        rowColor={(a) => (a.severity === 'critical' && !a.acknowledgedBy ? 'var(--mantine-color-red-light)' : undefined)}
        empty={
          <EmptyPanel title="No active alarms" description="Every monitored server is answering." icon={<IconCircleCheck aria-hidden />} />
        }
      />
    </Stack>
  );
}

function AlarmHistory() {
  const { query, tableProps } = useTableState({ pageSize: 25 });
  const history = useAlarmHistory(query.page, query.pageSize);
  const columns: DataTableColumn<AlarmView>[] = [
    // Seven columns at 1024 px were cramped: times stack time over date, the trigger shows from 1200 px.
    ...common().map((c) => ({
      ...c,
      sortable: false,
      ...(c.key === 'trigger' ? { visibleFrom: 'lg' as const } : {}),
      ...(c.key === 'raisedAt' ? { render: (a: AlarmView) => <TimeCell iso={a.raisedAt} /> } : {}),
      ...(c.key === 'severity' ? { width: 90 } : {}),
    })),
    { key: 'clearedAt', header: 'Cleared', value: (a) => a.clearedAt ?? '', render: (a) => <TimeCell iso={a.clearedAt} /> },
    { key: 'ack', header: 'Acknowledged by', value: (a) => a.acknowledgedBy ?? '', render: (a) => a.acknowledgedBy ?? '—' },
  ];
  return (
    <Stack gap="xs" component="section" aria-labelledby="alarm-history-title">
      <Title order={2} size="h4" id="alarm-history-title">
        History
      </Title>
      <DataTable
        label="Alarm history"
        columns={columns}
        rows={history.data?.history.items ?? []}
        total={history.data?.history.total ?? 0}
        getRowId={(a) => a.id}
        page={tableProps.page}
        pageSize={tableProps.pageSize}
        onPageChange={tableProps.onPageChange}
        onPageSizeChange={tableProps.onPageSizeChange}
        loading={history.isPending}
        fetching={history.isFetching && !history.isPending}
        error={history.isError ? errorMessage(history.error) : undefined}
        empty={<EmptyPanel title="No cleared alarms" description="Alarms move here when they clear." />}
      />
    </Stack>
  );
}

export function AlarmsPage() {
  const { stream } = useLive();
  return (
    <Page
      title="Alarms"
      description="Out-of-service and other alarms raised by the proxy workers."
      actions={
        <Badge
          variant="dot"
          color={stream === 'open' ? 'green' : 'gray'}
          data-testid="live-state"
          title={stream === 'open' ? 'Updates arrive as they happen' : 'Live stream unavailable: refreshing every few seconds'}
        >
          {stream === 'open' ? 'live' : 'polling'}
        </Badge>
      }
    >
      <ActiveAlarms />
      <AlarmHistory />
    </Page>
  );
}
