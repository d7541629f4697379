import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconCheck, IconCopy, IconKey } from '@tabler/icons-react';
import type { CreatedWorkerToken, WorkerToken } from '../../api';
import { DataTable, useClientTable, type DataTableColumn } from '../../components/DataTable';
import { EmptyPanel } from '../../components/EmptyPanel';
import { errorMessage, notifyError, notifySuccess } from '../../lib/notify';
import { Section } from '../../components/config-edit/OptionsFormLayout';
import { applicationsApi, useWorkerTokens, WORKER_TOKENS_KEY } from './api';

const fmt = (t: string | null) => (t ? new Date(t).toLocaleString() : 'never');
/** The short id shown and used in button names ("Revoke token 3f2a9c1e"). */
export const tokenLabel = (id: string) => id.slice(0, 8);

/** The server's command with this control plane's address in place of <URL>. */
export function workerCommand(created: CreatedWorkerToken, origin: string): string {
  return created.command.includes('<URL>')
    ? created.command.replace('<URL>', origin)
    : `SIPEDGE_WORKER_TOKEN_FILE=<file holding the token> npm run proxy -- --control-plane ${origin} --app ${created.app}`;
}

function CopyField({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={4}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button
              size="compact-xs"
              variant="light"
              color={copied ? 'teal' : undefined}
              onClick={copy}
              leftSection={copied ? <IconCheck size={12} aria-hidden /> : <IconCopy size={12} aria-hidden />}
              aria-label={`Copy ${label.toLowerCase()}`}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Code block data-testid={testId} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {value}
      </Code>
    </Stack>
  );
}

function RevokeButton({ token, app }: { token: WorkerToken; app: string }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const revoke = useMutation({
    mutationFn: () => applicationsApi.revokeWorkerToken(token.id),
    onSuccess: () => {
      notifySuccess(`Token ${tokenLabel(token.id)} of ${app} revoked: a worker using it is refused from now on`, 'Revoked');
      setOpen(false);
      void qc.invalidateQueries({ queryKey: WORKER_TOKENS_KEY });
    },
    onError: (e) => notifyError(e, 'Could not revoke'),
  });
  return (
    <>
      <Button
        size="compact-xs"
        color="red"
        variant="light"
        aria-label={`Revoke token ${tokenLabel(token.id)}`}
        onClick={() => setOpen(true)}
      >
        Revoke
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Revoke token ${tokenLabel(token.id)}?`}>
        <Stack>
          <Text size="sm">
            A remote worker of {app} that uses this token is refused at its next connection. Create a new token to start it again.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button color="red" onClick={() => revoke.mutate()} loading={revoke.isPending}>
              Revoke
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Remote worker tokens of one SIP Proxy application (admins): create (shown once), list, revoke. */
export function WorkerTokensSection({ app }: { app: string }) {
  const qc = useQueryClient();
  const [created, setCreated] = useState<CreatedWorkerToken | null>(null);
  const tokens = useWorkerTokens();
  const mine = (tokens.data ?? []).filter((t) => t.app === app && t.kind === 'remote');
  const create = useMutation({
    mutationFn: () => applicationsApi.createWorkerToken(app),
    onSuccess: (t) => {
      setCreated(t);
      void qc.invalidateQueries({ queryKey: WORKER_TOKENS_KEY });
    },
    onError: (e) => notifyError(e, 'Could not create the token'),
  });
  const columns: DataTableColumn<WorkerToken>[] = [
    { key: 'id', header: 'Token', value: (t) => tokenLabel(t.id), render: (t) => <Code>{tokenLabel(t.id)}</Code> },
    { key: 'createdAt', header: 'Created', value: (t) => t.createdAt, render: (t) => fmt(t.createdAt), sortable: true },
    { key: 'createdBy', header: 'By', value: (t) => t.createdBy, visibleFrom: 'sm' },
    { key: 'lastUsedAt', header: 'Last used', value: (t) => t.lastUsedAt ?? '', render: (t) => fmt(t.lastUsedAt), sortable: true },
    { key: 'revoke', header: '', searchable: false, render: (t) => <RevokeButton token={t} app={app} />, align: 'right' },
  ];
  const table = useClientTable(mine, columns, { pageSize: 10, sort: { key: 'createdAt', direction: 'desc' } });
  const origin = typeof window !== 'undefined' ? window.location.origin : 'http://control-plane:8080';

  return (
    <Section title="Remote worker tokens" id="worker-tokens-title">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" maw={640}>
          A worker of {app} on another machine connects to this control plane with a token of its own. The token is shown once; only its
          hash is kept.
        </Text>
        <Button leftSection={<IconKey size={16} aria-hidden />} onClick={() => create.mutate()} loading={create.isPending}>
          New worker token
        </Button>
      </Group>
      <DataTable
        label={`Worker tokens of ${app}`}
        columns={columns}
        getRowId={(t) => t.id}
        {...table}
        loading={tokens.isPending}
        error={tokens.isError ? errorMessage(tokens.error) : undefined}
        empty={<EmptyPanel title="No worker tokens" description="Create one to run this proxy as a remote worker." />}
      />
      <Modal opened={!!created} onClose={() => setCreated(null)} title={`Worker token for ${app}`} size="lg">
        {created ? (
          <Stack>
            <Alert color="orange" icon={<IconAlertCircle aria-hidden />}>
              Copy it now: the token is shown only once.
            </Alert>
            <CopyField label="Token" value={created.token} testId="worker-token" />
            <CopyField label="Command" value={workerCommand(created, origin)} testId="worker-command" />
            <Text size="xs" c="dimmed">
              Run it in a checkout of this product on the worker's machine (built with npm run build); the worker needs to reach {origin}.
              Save the token in a file readable only by the worker's user; SIPEDGE_WORKER_TOKEN can carry it instead. Never on the command
              line: the process list shows it to every user of the machine.
            </Text>
            <Group justify="flex-end">
              <Button onClick={() => setCreated(null)}>Done</Button>
            </Group>
          </Stack>
        ) : null}
      </Modal>
    </Section>
  );
}
