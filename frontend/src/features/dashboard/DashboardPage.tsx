import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Card, Group, List, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle, IconDatabase, IconServer, IconTopologyStar3 } from '@tabler/icons-react';
import { healthApi, type HealthResponse } from '../../api';
import { Page } from '../../components/Page';
import { StatusBadge } from '../../components/StatusBadge';

export const HEALTH_QUERY_KEY = ['health'] as const;

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

function WorkersCard({ health }: { health: HealthResponse | undefined }) {
  const workers = health?.workers;
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="dash-workers-title">
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <IconServer size={20} aria-hidden />
          <Title order={2} size="h4" id="dash-workers-title">
            Proxy workers
          </Title>
        </Group>
        {workers ? <Badge variant="default">{workers.length}</Badge> : <Skeleton height={20} width={32} />}
      </Group>
      {!workers ? (
        <Skeleton height={14} mt={6} width="60%" />
      ) : workers.length === 0 ? (
        <Text size="sm" c="dimmed">
          No proxy workers connected.
        </Text>
      ) : (
        <List size="sm" spacing={4} listStyleType="none">
          {workers.map((w) => (
            <List.Item key={w.id}>
              <Group gap="xs" justify="space-between" wrap="nowrap">
                <Text size="sm" truncate title={w.id}>
                  {w.app}
                </Text>
                <Group gap={4} wrap="nowrap">
                  {w.restartPending ? (
                    <Badge size="sm" variant="light" color="orange">
                      restart pending
                    </Badge>
                  ) : null}
                  {w.configVersion !== undefined ? (
                    <Badge size="sm" variant="default" title="Configuration version the worker runs">
                      v{w.configVersion}
                    </Badge>
                  ) : null}
                  <Badge size="sm" variant="light" color={w.online ? 'green' : 'red'}>
                    {w.online ? 'online' : 'offline'}
                  </Badge>
                </Group>
              </Group>
            </List.Item>
          ))}
        </List>
      )}
    </Card>
  );
}

function ServiceStateCard() {
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="dash-service-title">
      <Group gap="xs" mb="xs" wrap="nowrap">
        <IconTopologyStar3 size={20} aria-hidden />
        <Title order={2} size="h4" id="dash-service-title">
          Service state
        </Title>
      </Group>
      <Stack gap="xs">
        <Text size="sm" c="dimmed">
          Each site with its proxy pool and HA pair, and which server each proxy sees active, will appear here.
        </Text>
        <Group gap="xs" aria-label="Legend" role="group">
          <StatusBadge status="primary-active" size="sm" />
          <StatusBadge status="backup-active" size="sm" />
          <StatusBadge status="out-of-service" size="sm" />
          <StatusBadge status="unknown" size="sm" />
        </Group>
      </Stack>
    </Card>
  );
}

export function DashboardPage() {
  const health = useQuery({
    queryKey: HEALTH_QUERY_KEY,
    queryFn: healthApi.get,
    refetchInterval: 10_000,
  });

  return (
    <Page title="Dashboard" description="Control-plane health and the service state of every site.">
      {health.isError ? (
        <Alert color="red" icon={<IconAlertCircle aria-hidden />} role="alert" title="Health check failed">
          {health.error.message}
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
        <DatabaseCard health={health.data} />
        <WorkersCard health={health.data} />
        <ServiceStateCard />
      </SimpleGrid>
    </Page>
  );
}
