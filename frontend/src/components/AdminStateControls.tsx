import { useState } from 'react';
import { Badge, Button, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import type { ApplicationAdminState, ServerAdminState } from '../api/types';
import { useCan } from '../features/auth/permissions';
import {
  useApplicationAdminState,
  useServerAdminState,
  useSetApplicationAdminState,
  useSetServerAdminState,
} from '../features/admin-state/api';
import { errorMessage, notifyError, notifySuccess } from '../lib/notify';

/** An administrative state is the operator's intent, not a failure: its own colours (never the red of an outage). */
const APP_STATE: Record<ApplicationAdminState, { label: string; color: string }> = {
  active: { label: 'Active', color: 'teal' },
  drained: { label: 'Drained by an operator', color: 'orange' },
  stopped: { label: 'Stopped by an operator', color: 'gray' },
};
const SERVER_STATE: Record<ServerAdminState, { label: string; color: string }> = {
  active: { label: 'In service (probe-driven)', color: 'teal' },
  'out-of-service': { label: 'Out of service (maintenance)', color: 'grape' },
};

interface Action<S> {
  state: S;
  label: string;
  title: string;
  text: string;
  color?: string;
}

const APP_ACTIONS: Record<ApplicationAdminState, Action<ApplicationAdminState>> = {
  drained: {
    state: 'drained',
    label: 'Drain',
    title: 'Drain',
    text: 'New INVITEs and REGISTERs get 503 with Retry-After, so clients and DNS SRV go to the other members of the pool. Calls in progress and in-dialog requests continue.',
    color: 'orange',
  },
  stopped: {
    state: 'stopped',
    label: 'Stop',
    title: 'Stop',
    text: 'Its workers drain transactions in progress and stop. They stay stopped, across restarts of the control plane, until started again.',
    color: 'red',
  },
  active: {
    state: 'active',
    label: 'Start',
    title: 'Start',
    text: 'Its workers take new dialogs and registrations again (a stopped one is started).',
  },
};

function ConfirmDialog<S>({
  action,
  name,
  busy,
  onConfirm,
  onClose,
}: {
  action: Action<S> | null;
  name: string;
  busy: boolean;
  onConfirm: (s: S) => void;
  onClose: () => void;
}) {
  return (
    <Modal opened={action !== null} onClose={onClose} title={action ? `${action.title} ${name}?` : ''} centered>
      {action ? (
        <Stack gap="md">
          <Text size="sm">{action.text}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button color={action.color} loading={busy} onClick={() => onConfirm(action.state)}>
              {action.label}
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}

function changed(by?: string, at?: string): string {
  if (!by || !at) return 'never changed';
  const d = new Date(at);
  return `set by ${by}, ${Number.isNaN(d.getTime()) ? at : d.toLocaleString()}`;
}

/**
 * A SIP Proxy application's administrative state (issue 17): drain, stop, start, each after a confirmation; while
 * drained, the dialogs and flows still on its worker count down.
 */
export function ApplicationAdminStateSection({ app }: { app: string }) {
  const q = useApplicationAdminState(app);
  const set = useSetApplicationAdminState(app);
  const canEdit = useCan('edit-config');
  const canStop = useCan('manage-workers');
  const [pending, setPending] = useState<Action<ApplicationAdminState> | null>(null);
  const v = q.data;
  const state = v?.state ?? 'active';
  const w = v?.workers[0];
  const actions = (['active', 'drained', 'stopped'] as const)
    .filter((s) => s !== state && (s !== 'stopped' || canStop))
    .map((s) =>
      s === 'active' && state === 'drained' ? { ...APP_ACTIONS.active, label: 'Make active', title: 'Make active' } : APP_ACTIONS[s],
    );
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="admin-state-title" data-admin-state={state}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4" id="admin-state-title">
            Administrative state
          </Title>
          <Badge color={APP_STATE[state].color} variant="light" size="lg" data-testid="admin-state-badge">
            {APP_STATE[state].label}
          </Badge>
        </Group>
        {q.isError ? (
          <Text c="red" size="sm">
            {errorMessage(q.error)}
          </Text>
        ) : null}
        <Text size="xs" c="dimmed">
          {changed(v?.changedBy, v?.changedAt)}
          {w?.applied && w.applied !== state ? ` · the worker still applies ${w.applied}` : ''}
        </Text>
        {state === 'drained' ? (
          <Group gap="lg" data-testid="drain-countdown">
            <Text size="sm">
              Active dialogs: <b data-testid="active-dialogs">{w?.activeDialogs ?? 0}</b>
            </Text>
            <Text size="sm">
              Registered flows: <b data-testid="active-flows">{w?.flows ?? 0}</b>
            </Text>
            <Text size="sm" c="dimmed">
              refused since drained: {w?.rejectedDraining ?? 0}
            </Text>
          </Group>
        ) : null}
        {canEdit ? (
          <Group gap="sm">
            {actions.map((a) => (
              <Button key={a.state} variant="light" color={a.color} onClick={() => setPending(a)}>
                {a.label}
              </Button>
            ))}
          </Group>
        ) : null}
      </Stack>
      <ConfirmDialog
        action={pending}
        name={app}
        busy={set.isPending}
        onClose={() => setPending(null)}
        onConfirm={(s) =>
          set.mutate(s, {
            onSuccess: () => {
              setPending(null);
              notifySuccess(`${app}: ${APP_STATE[s].label.toLowerCase()}`, 'Administrative state');
            },
            onError: (e) => notifyError(e, 'Could not change the administrative state'),
          })
        }
      />
    </Paper>
  );
}

/**
 * A SIP Server's administrative state: forced out of service for maintenance (a switchover when it is the active
 * server of its pair; the probes do not bring it back), or returned to probe-driven state.
 */
export function ServerAdminStateControl({ server, compact = false }: { server: string; compact?: boolean }) {
  const q = useServerAdminState(server);
  const set = useSetServerAdminState(server);
  const canEdit = useCan('edit-config');
  const [pending, setPending] = useState<Action<ServerAdminState> | null>(null);
  const v = q.data;
  const state = v?.state ?? 'active';
  const action: Action<ServerAdminState> =
    state === 'active'
      ? {
          state: 'out-of-service',
          label: 'Force out of service',
          title: 'Force out of service',
          text: `Every proxy stops sending new requests to ${server}${v?.role === 'primary' ? ' and switches its pair over to the backup' : ''}; its OPTIONS answers do not bring it back until you return it to service.`,
          color: 'grape',
        }
      : {
          state: 'active',
          label: 'Return to service',
          title: 'Return to service',
          text: 'The OPTIONS probes decide again whether it is used (no failback while the other server serves).',
        };
  return (
    <Stack gap={6} data-admin-state={state} data-server={server}>
      <Group gap="xs">
        <Badge color={SERVER_STATE[state].color} variant="light" data-testid="server-admin-state-badge">
          {SERVER_STATE[state].label}
        </Badge>
        {canEdit ? (
          <Button size="compact-sm" variant="light" color={action.color} onClick={() => setPending(action)}>
            {action.label}
          </Button>
        ) : null}
      </Group>
      {!compact ? (
        <Text size="xs" c="dimmed">
          {changed(v?.changedBy, v?.changedAt)}
          {v?.proxies.length ? ` · ${v.proxies.map((p) => `${p.worker}: ${p.pairState}`).join(', ')}` : ''}
        </Text>
      ) : null}
      <ConfirmDialog
        action={pending}
        name={server}
        busy={set.isPending}
        onClose={() => setPending(null)}
        onConfirm={(s) =>
          set.mutate(s, {
            onSuccess: () => {
              setPending(null);
              notifySuccess(`${server}: ${SERVER_STATE[s].label.toLowerCase()}`, 'Administrative state');
            },
            onError: (e) => notifyError(e, 'Could not change the administrative state'),
          })
        }
      />
    </Stack>
  );
}
