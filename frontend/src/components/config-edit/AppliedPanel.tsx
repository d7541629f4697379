import { useEffect, useRef } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, Loader, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import type { WorkerView } from '../../api';
import { useCan } from '../../features/auth/permissions';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useWorkers, WORKERS_QUERY_KEY, workersApi } from '../../features/workers/api';

function refusal(w: WorkerView, version: number): { configVersion: number; reason: string } | undefined {
  const r = w.refused as { configVersion?: number; reason?: string } | undefined;
  return r && typeof r.configVersion === 'number' && r.configVersion >= version
    ? { configVersion: r.configVersion, reason: r.reason ?? '' }
    : undefined;
}

function status(w: WorkerView, version: number) {
  if (!w.online) return { text: 'offline', color: 'gray' };
  if (refusal(w, version)) return { text: 'refused', color: 'red' };
  if ((w.configVersion ?? 0) >= version) return { text: 'applied', color: 'green' };
  // The worker holds the new version but runs the old one until it restarts.
  if (w.restartPending) return { text: 'needs restart', color: 'orange' };
  return { text: 'waiting', color: 'blue' };
}

/** Restarts one worker (admins); the button says which. */
export function RestartWorkerButton({ worker }: { worker: WorkerView }) {
  const qc = useQueryClient();
  const restart = useMutation({
    mutationFn: () => workersApi.restart(worker.id),
    onSuccess: () => {
      notifySuccess(`Restart of ${worker.app} requested`);
      void qc.invalidateQueries({ queryKey: WORKERS_QUERY_KEY });
    },
    onError: (e) => notifyError(e, 'Could not restart'),
  });
  return (
    <Button
      size="compact-xs"
      variant="light"
      color="orange"
      leftSection={<IconRefresh size={12} aria-hidden />}
      aria-label={`Restart worker ${worker.app}`}
      onClick={() => restart.mutate()}
      loading={restart.isPending}
    >
      Restart worker
    </Button>
  );
}

/**
 * After a save: which workers run the new version and which need a restart for some of it. Polls GET /workers
 * (every 2 s) while mounted.
 */
export function AppliedPanel({ version }: { version: number }) {
  const isAdmin = useCan('manage-users');
  const workers = useWorkers();
  const list = workers.data ?? [];
  const ref = useRef<HTMLElement>(null);
  // Saved from the bottom bar of a long form, the panel would sit off-screen: bring it into view on every new version.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [version]);
  return (
    <Paper
      ref={ref}
      withBorder
      p="md"
      radius="md"
      component="section"
      aria-labelledby="applied-title"
      data-testid="applied-panel"
      style={{ scrollMarginTop: 'calc(var(--app-shell-header-height, 60px) + 16px)' }}
    >
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h5" id="applied-title">
            Version {version} on the workers
          </Title>
          {workers.isFetching ? <Loader size="xs" aria-label="Refreshing workers" /> : null}
        </Group>
        {workers.isPending ? (
          <Loader size="sm" aria-label="Loading workers" />
        ) : list.length === 0 ? (
          <Text size="sm" c="dimmed">
            No proxy workers are connected; the change applies when they connect.
          </Text>
        ) : (
          <Table aria-label="Workers after saving" fz="sm" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Worker</Table.Th>
                <Table.Th>Runs version</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Restart</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((w) => {
                const s = status(w, version);
                return (
                  <Table.Tr key={w.id} data-worker={w.app}>
                    <Table.Td>{w.app}</Table.Td>
                    <Table.Td>{w.configVersion ?? '—'}</Table.Td>
                    <Table.Td>
                      <Badge size="sm" variant="light" color={s.color} data-testid="worker-apply-state">
                        {s.text}
                      </Badge>
                      {refusal(w, version) ? (
                        <Text size="xs" c="red" data-testid="worker-refusal">
                          {refusal(w, version)!.reason}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      {w.restartPending ? (
                        <Group gap="xs">
                          <Tooltip label={`Needs a restart for: ${w.restartPendingOptions.join(', ') || 'some options'}`}>
                            <Badge size="sm" color="orange" variant="light" data-testid="restart-pending">
                              restart pending
                            </Badge>
                          </Tooltip>
                          {isAdmin ? <RestartWorkerButton worker={w} /> : null}
                        </Group>
                      ) : (
                        <Text size="xs" c="dimmed">
                          not needed
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
