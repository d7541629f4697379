import { Badge, Group, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import type { PairState } from '../api/types';
import { StatusBadge } from './StatusBadge';

export interface PairStateCardProps {
  pair: PairState;
  /** The proxy whose view this is (e.g. "SIPProxy_A"); shown in the heading. */
  proxy?: string;
  /** Heading level inside the page (default 3). */
  headingOrder?: 2 | 3 | 4;
}

function formatSince(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/**
 * What one proxy sees of one HA pair: the state (out of service in red), since when, and each server with its
 * last probe. The active server is marked, so "which server each proxy sees active" reads at a glance.
 */
export function PairStateCard({ pair, proxy, headingOrder = 3 }: PairStateCardProps) {
  const activeRole = pair.state === 'primary-active' ? 'primary' : pair.state === 'backup-active' ? 'backup' : null;
  const oos = pair.state === 'out-of-service';
  const headingId = `pair-${proxy ?? 'x'}-${pair.name}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      component="section"
      aria-labelledby={headingId}
      data-pair={pair.name}
      data-state={pair.state}
      style={oos ? { borderColor: 'var(--mantine-color-red-filled)' } : undefined}
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={headingOrder} size="h5" id={headingId}>
            {pair.name}
            {proxy ? (
              <Text span c="dimmed" fw={400} size="sm">
                {` as seen by ${proxy}`}
              </Text>
            ) : null}
          </Title>
          <Group gap={6}>
            {pair.serving ? (
              <Tooltip label="This proxy sends endpoint and gateway traffic to this pair">
                <Badge size="sm" variant="outline">
                  serving
                </Badge>
              </Tooltip>
            ) : null}
            <StatusBadge status={pair.state} />
          </Group>
        </Group>
        <Text size="xs" c="dimmed">
          Since {formatSince(pair.since)}
        </Text>
        <Table withRowBorders={false} verticalSpacing={4} fz="sm" aria-label={`Servers of ${pair.name}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Role</Table.Th>
              <Table.Th>Server</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th>Last probe</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pair.servers.map((s) => {
              const active = activeRole !== null && s.role.toLowerCase() === activeRole;
              return (
                <Table.Tr key={`${s.role}-${s.name}`} data-active={active || undefined}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" tt="capitalize">
                        {s.role}
                      </Text>
                      {active ? (
                        <Badge size="xs" color="green" variant="filled">
                          active
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>{s.name}</Table.Td>
                  <Table.Td>
                    <Text span ff="monospace" size="sm">
                      {s.host.includes(':') && !s.host.startsWith('[') ? `[${s.host}]` : s.host}:{s.port}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {s.up === undefined ? (
                      <Text span c="dimmed" size="sm">
                        not probed yet
                      </Text>
                    ) : (
                      <Group gap={6} wrap="nowrap">
                        <Badge size="xs" color={s.up ? 'green' : 'red'} variant="light">
                          {s.up ? 'answering' : 'not answering'}
                        </Badge>
                        {s.standby ? (
                          <Badge
                            size="xs"
                            color="gray"
                            variant="outline"
                            title="Answers again; traffic stays on the active server (no failback)"
                          >
                            standby
                          </Badge>
                        ) : null}
                        {s.lastCode !== undefined ? (
                          <Text span size="xs">
                            {s.lastCode}
                          </Text>
                        ) : null}
                        {s.lastRttMs !== undefined ? (
                          <Text span size="xs" c="dimmed">
                            {s.lastRttMs} ms
                          </Text>
                        ) : null}
                        {s.lastSeenAt !== undefined && !s.up ? (
                          <Text span size="xs" c="dimmed">
                            last seen {new Date(s.lastSeenAt).toLocaleTimeString()}
                          </Text>
                        ) : null}
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  );
}
