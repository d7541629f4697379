import { Alert, Badge, Card, Grid, Group, ScrollArea, SimpleGrid, Skeleton, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconAlertCircle, IconDatabase, IconServer, IconTopologyStar3 } from '@tabler/icons-react';
import type { HealthResponse, WorkerView } from '../../api';
import { EmptyPanel } from '../../components/EmptyPanel';
import { Page } from '../../components/Page';
import { StatusBadge } from '../../components/StatusBadge';
import { errorMessage } from '../../lib/notify';
import { useLive } from '../live/liveStore';
import { useServiceState } from '../live/api';
import { useActiveAlarms } from '../alarms/api';
import { RestartWorkerButton } from '../../components/config-edit/AppliedPanel';
import { useCan } from '../auth/permissions';
import { SiteCard } from './SiteCard';
import { Sparkline } from './Sparkline';
import { useHealth } from './api';

function DatabaseCard({ health }: { health: HealthResponse | undefined }) {
  const db = health?.database;
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="dash-db-title">
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <IconDatabase size={20} aria-hidden />
          <Title order={2} size="h4" id="dash-db-title">
            Database
          </Title>
        </Group>
        {db ? (
          <Badge color={db.up ? 'green' : 'red'} variant="light" data-testid="database-state">
            {db.up ? 'Up' : 'Down'}
          </Badge>
        ) : (
          <Skeleton height={20} width={48} />
        )}
      </Group>
      {db ? (
        <Text size="sm" c="dimmed">
          {db.mode === 'embedded' ? 'Embedded PostgreSQL on this host' : 'External PostgreSQL server'} (mode:{' '}
          <Text span fw={600} c="var(--mantine-color-text)" data-testid="database-mode">
            {db.mode}
          </Text>
          )
        </Text>
      ) : (
        <Skeleton height={14} mt={6} width="70%" />
      )}
      {db && !db.up ? (
        <Text size="sm" c="red" mt="xs">
          The control plane cannot reach its database. Proxies keep serving on their last good configuration.
        </Text>
      ) : null}
    </Card>
  );
}

function WorkersCard({ workers, configVersion }: { workers: WorkerView[] | undefined; configVersion?: number | null }) {
  const { history } = useLive();
  const isAdmin = useCan('manage-users');
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="dash-workers-title">
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <IconServer size={20} aria-hidden />
          <Title order={2} size="h4" id="dash-workers-title">
            Proxy workers
          </Title>
        </Group>
        {workers ? (
          <Badge variant="default">
            {workers.filter((w) => w.online).length} / {workers.length} online
          </Badge>
        ) : (
          <Skeleton height={20} width={32} />
        )}
      </Group>
      {!workers ? (
        <Skeleton height={60} mt={6} />
      ) : workers.length === 0 ? (
        <Text size="sm" c="dimmed">
          No proxy workers known yet.
        </Text>
      ) : (
        <ScrollArea type="auto">
          <Table aria-label="Proxy workers" verticalSpacing={6} fz="sm" miw={600}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Worker</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Config</Table.Th>
                <Table.Th>Calls/s</Table.Th>
                <Table.Th>503s</Table.Th>
                <Table.Th>Probe RTT</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {workers.map((w) => {
                const h = history[w.id] ?? [];
                const behind = configVersion != null && w.configVersion != null && w.configVersion < configVersion;
                return (
                  <Table.Tr key={w.id} data-worker={w.app}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {w.app}
                      </Text>
                      {w.hostname ? (
                        <Text size="xs" c="dimmed">
                          {w.hostname}
                          {w.pid ? ` · pid ${w.pid}` : ''}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td style={{ minWidth: 90 }}>
                      <Group gap={4} wrap="wrap">
                        {w.adminState === 'stopped' && !w.online ? (
                          // Stopped on purpose: an operator's state, not a failure (no red).
                          <Badge size="sm" variant="light" color="gray" style={{ flex: 'none' }} data-admin-state="stopped">
                            stopped by operator
                          </Badge>
                        ) : (
                          <Badge size="sm" variant="light" color={w.online ? 'green' : 'red'} style={{ flex: 'none' }}>
                            {w.online ? 'online' : 'offline'}
                          </Badge>
                        )}
                        {w.adminState === 'drained' ? (
                          <Badge size="sm" variant="light" color="orange" style={{ flex: 'none' }} data-admin-state="drained">
                            drained
                          </Badge>
                        ) : null}
                        {w.restartPending ? (
                          <Tooltip label={`Needs a restart for: ${w.restartPendingOptions.join(', ') || 'some options'}`}>
                            <Badge size="sm" variant="light" color="orange" style={{ flex: 'none' }}>
                              restart pending
                            </Badge>
                          </Tooltip>
                        ) : null}
                        {w.restartPending && isAdmin ? <RestartWorkerButton worker={w} /> : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {w.configVersion != null ? (
                        <Badge
                          size="sm"
                          variant={behind ? 'light' : 'default'}
                          color={behind ? 'blue' : undefined}
                          title="Configuration version the worker runs"
                        >
                          v{w.configVersion}
                        </Badge>
                      ) : (
                        <Text size="xs" c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Sparkline values={h.map((s) => s.callsPerSecond)} label={`Calls per second of ${w.app}`} />
                    </Table.Td>
                    <Table.Td>
                      <Sparkline
                        values={h.map((s) => s.responses503)}
                        label={`503 responses of ${w.app}`}
                        color="var(--mantine-color-red-6)"
                        digits={0}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Sparkline
                        values={h.map((s) => s.rttMs)}
                        label={`Probe RTT of ${w.app}`}
                        unit=" ms"
                        color="var(--mantine-color-teal-6)"
                      />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Card>
  );
}

export function DashboardPage() {
  const health = useHealth();
  const state = useServiceState();
  const alarms = useActiveAlarms();
  const { stream } = useLive();
  const s = state.data;
  const oosCount = s?.pairs.filter((p) => p.state === 'out-of-service').length ?? 0;

  return (
    <Page
      title="Dashboard"
      description="Each site with its HA pair and proxy pool, live."
      actions={
        <Group gap="xs">
          {alarms.data && alarms.data.length > 0 ? (
            <Badge color="red" variant="filled" data-testid="dashboard-alarm-count">
              {alarms.data.length} active alarm{alarms.data.length === 1 ? '' : 's'}
            </Badge>
          ) : null}
          <Badge
            variant="dot"
            color={stream === 'open' ? 'green' : 'gray'}
            data-testid="live-state"
            title={stream === 'open' ? 'Updates arrive as they happen' : 'Live stream unavailable: refreshing every few seconds'}
          >
            {stream === 'open' ? 'live' : 'polling'}
          </Badge>
        </Group>
      }
    >
      {health.isError ? (
        <Alert color="red" icon={<IconAlertCircle aria-hidden />} role="alert" title="Health check failed">
          {health.error.message}
        </Alert>
      ) : null}

      <Stack gap="sm" component="section" aria-labelledby="dash-service-title">
        <Group gap="xs" justify="space-between">
          <Group gap="xs" wrap="nowrap">
            <IconTopologyStar3 size={20} aria-hidden />
            <Title order={2} size="h4" id="dash-service-title">
              Service state
            </Title>
            {oosCount > 0 ? (
              <StatusBadge status="out-of-service" label={`${oosCount} pair${oosCount === 1 ? '' : 's'} out of service`} />
            ) : null}
          </Group>
          <Group gap={6} aria-label="Legend" role="group" visibleFrom="sm">
            <StatusBadge status="primary-active" size="sm" />
            <StatusBadge status="backup-active" size="sm" />
            <StatusBadge status="out-of-service" size="sm" />
            <Badge size="sm" color="orange" variant="outline">
              proxies disagree
            </Badge>
          </Group>
        </Group>
        {state.isPending ? (
          <SimpleGrid cols={{ base: 1, sm: 2, xl: 3 }}>
            <Skeleton height={260} radius="md" />
            <Skeleton height={260} radius="md" />
          </SimpleGrid>
        ) : state.isError && !s ? (
          <Alert color="red" role="alert" icon={<IconAlertCircle aria-hidden />} title="Service state unavailable">
            {errorMessage(state.error)}
          </Alert>
        ) : s && s.sites.length === 0 ? (
          <EmptyPanel title="No sites" description="Import a configuration with switches and their HA pairs to see them here." />
        ) : s ? (
          <SimpleGrid cols={{ base: 1, lg: 2, xl: 3 }} spacing="md">
            {s.sites.map((site) => (
              <SiteCard key={site.switch} site={site} state={s} />
            ))}
          </SimpleGrid>
        ) : null}
      </Stack>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, xl: 9 }}>
          <WorkersCard workers={s?.workers} configVersion={s?.configVersion} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 3 }}>
          <DatabaseCard health={health.data} />
        </Grid.Col>
      </Grid>
    </Page>
  );
}
