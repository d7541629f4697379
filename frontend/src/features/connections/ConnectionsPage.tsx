import { useState, type FormEvent } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Pagination,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconPlugConnectedX, IconSearch } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { Page } from '../../components/Page';
import { errorMessage, notifyError, notifySuccess } from '../../lib/notify';
import { useCan } from '../auth/permissions';
import { useProxiesPage } from '../applications/api';
import { useCloseConnection, useConnections, type ConnectionView, type FlowView, type PeerCertificateView } from './api';

const PAGE_SIZE = 25;

/** `93 s`, `4 min 2 s`, `3 h 10 min`: an age an operator reads at a glance. */
export function age(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Days until a certificate expires (negative once expired). */
export function daysLeft(validTo: string, now = Date.now()): number {
  return Math.floor((new Date(validTo).getTime() - now) / 86_400_000);
}

function Flows({ flows }: { flows: readonly FlowView[] }) {
  if (flows.length === 0)
    return (
      <Text size="xs" c="dimmed">
        no registration
      </Text>
    );
  return (
    <Stack gap={2}>
      {flows.map((f) => (
        <Text key={`${f.aor}-${f.instance ?? ''}-${f.regId ?? ''}`} size="xs" style={{ overflowWrap: 'anywhere' }} data-aor={f.aor}>
          <b>{f.aor}</b>
          {f.instance ? ` · ${f.instance}` : ''}
          {f.regId !== undefined ? ` · reg-id ${f.regId}` : ''}
          {f.flowTimerS ? ` · Flow-Timer ${f.flowTimerS} s` : ''} · until {when(f.expiresAt)}
        </Text>
      ))}
    </Stack>
  );
}

function TlsPeer({ c }: { c?: PeerCertificateView }) {
  if (!c)
    return (
      <Text size="xs" c="dimmed">
        —
      </Text>
    );
  const left = daysLeft(c.validTo);
  return (
    <Stack gap={2} data-testid="tls-peer">
      <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
        <b>{c.subject}</b>
      </Text>
      {c.san.length ? (
        <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
          SAN {c.san.join(', ')}
        </Text>
      ) : null}
      <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
        issued by {c.issuer}
      </Text>
      <Text size="xs" c={left < 0 ? 'red' : left <= 30 ? 'orange' : undefined}>
        expires {when(c.validTo)} ({left < 0 ? 'expired' : `${left} days`})
      </Text>
    </Stack>
  );
}

/** A connection row's close button and its confirmation (DELETE, admins only: the server audits it). */
function CloseButton({ app, c }: { app: string; c: ConnectionView }) {
  const [open, setOpen] = useState(false);
  const close = useCloseConnection(app);
  return (
    <>
      <Button
        size="compact-sm"
        variant="light"
        color="red"
        leftSection={<IconPlugConnectedX size={14} />}
        onClick={() => setOpen(true)}
        aria-label={`Close ${c.id}`}
      >
        Close
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Close ${c.id}?`} centered>
        <Stack gap="sm">
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            The {c.transport.toUpperCase()} connection with {c.peer} is closed now.
            {c.flows.length
              ? ` ${c.flows.length} registration${c.flows.length === 1 ? '' : 's'} (${c.flows.map((f) => f.aor).join(', ')}) stuck to it fail: requests for them get 430 until the UA registers again.`
              : ' No registration is stuck to it.'}{' '}
            The action is recorded in the audit log.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={close.isPending}
              onClick={() =>
                close.mutate(c.id, {
                  onSuccess: (r) => {
                    setOpen(false);
                    notifySuccess(r.closed ? `${c.id} closed` : `${c.id} was already gone`, 'Connection');
                  },
                  onError: (e) => notifyError(e, 'Could not close the connection'),
                })
              }
            >
              Close connection
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function ConnectionsTable({ app, items, canClose }: { app: string; items: readonly ConnectionView[]; canClose: boolean }) {
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table striped aria-label={`Connections of ${app}`} verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Connection</Table.Th>
            <Table.Th>Peer</Table.Th>
            <Table.Th>Age</Table.Th>
            <Table.Th>Last activity</Table.Th>
            <Table.Th>Messages in / out</Table.Th>
            <Table.Th>Registrations (AOR, instance, Flow-Timer)</Table.Th>
            <Table.Th>TLS peer</Table.Th>
            {canClose ? <Table.Th>Action</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((c) => (
            <Table.Tr key={c.id} data-connection={c.id} data-peer={c.peer}>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {c.id}
                </Text>
                <Group gap={4}>
                  <Badge size="xs" variant="light" color={c.transport === 'tls' ? 'grape' : 'blue'}>
                    {c.transport}
                  </Badge>
                  <Badge size="xs" variant="outline" color="gray">
                    {c.direction}
                  </Badge>
                  {c.state !== 'open' ? (
                    <Badge size="xs" variant="outline" color="orange">
                      {c.state}
                    </Badge>
                  ) : null}
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {c.peer}
                </Text>
                <Text size="xs" c="dimmed">
                  to {c.local}
                </Text>
              </Table.Td>
              <Table.Td title={`since ${when(c.since)}`}>{age(c.ageS)}</Table.Td>
              <Table.Td>{when(c.lastActivity)}</Table.Td>
              <Table.Td>
                {c.messagesIn} / {c.messagesOut}
                <Text size="xs" c="dimmed">
                  {c.bytesIn} B / {c.bytesOut} B
                </Text>
              </Table.Td>
              <Table.Td>
                <Flows flows={c.flows} />
                {c.flowTimerS ? (
                  <Text size="xs" c="dimmed">
                    Flow-Timer {c.flowTimerS} s
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <TlsPeer c={c.tlsPeer} />
              </Table.Td>
              {canClose ? (
                <Table.Td>
                  <CloseButton app={app} c={c} />
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * `/connections`: the connection inspector of one SIP Proxy application's running worker (GET
 * /api/workers/{app}/connections): TCP and TLS connections with the registrations stuck to each, TLS peers'
 * certificates, UDP flows; filtered and paged. Admins close a connection (DELETE, audited).
 */
export function ConnectionsPage() {
  const [params, setParams] = useSearchParams();
  const app = params.get('app') ?? '';
  const q = params.get('q') ?? '';
  const transport = (params.get('transport') ?? '') as '' | 'tcp' | 'tls' | 'udp';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const [text, setText] = useState(q);
  const canClose = useCan('manage-workers');
  const proxies = useProxiesPage({ pageSize: 500, sort: 'name' });
  const conns = useConnections(
    app ? { app, q: q || undefined, transport: transport || undefined, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } : undefined,
  );
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    set({ q: text.trim() || undefined, page: undefined });
  };
  const d = conns.data;
  const pages = d ? Math.max(1, Math.ceil(d.total / PAGE_SIZE)) : 1;

  return (
    <Page
      title="Connections"
      description="A proxy's TCP and TLS connections, the registrations (flows) stuck to each, TLS peers' certificates and UDP flows, as its running worker holds them now."
    >
      <form onSubmit={search} aria-label="Filter connections">
        <Group align="flex-end" wrap="wrap" gap="sm">
          <Select
            label="SIP Proxy application"
            placeholder="Choose a proxy"
            data={(proxies.data?.items ?? []).map((p) => p.name)}
            value={app || null}
            onChange={(v) => set({ app: v ?? undefined, page: undefined })}
            searchable
            w={{ base: '100%', xs: 240 }}
          />
          <SegmentedControl
            aria-label="Transport"
            value={transport || 'all'}
            onChange={(v) => set({ transport: v === 'all' ? undefined : v, page: undefined })}
            data={[
              { value: 'all', label: 'All' },
              { value: 'tcp', label: 'TCP' },
              { value: 'tls', label: 'TLS' },
              { value: 'udp', label: 'UDP' },
            ]}
          />
          <TextInput
            label="Peer, AOR, instance or certificate"
            placeholder="e.g. 10.0.0.5 or sip:2000@"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            w={{ base: '100%', xs: 280 }}
          />
          <Button type="submit" leftSection={<IconSearch size={16} />} disabled={!app}>
            Filter
          </Button>
        </Group>
      </form>

      {!app ? <Text c="dimmed">Choose a SIP Proxy application to see its running worker's connections.</Text> : null}
      {conns.isLoading ? <Loader size="sm" aria-label="Loading connections" /> : null}
      {conns.error ? (
        <Alert color="red" role="alert" title="The worker could not be asked">
          {errorMessage(conns.error)}
        </Alert>
      ) : null}
      {d ? (
        <Stack gap="sm">
          <Text size="sm" c="dimmed" data-testid="connections-summary">
            {d.total} connection{d.total === 1 ? '' : 's'}
            {transport || q ? ' matching' : ''} on instance {d.instanceId}; TCP keep-alive{' '}
            {d.keepAlive.enabled
              ? `on (idle ${d.keepAlive.idleS} s, every ${d.keepAlive.intervalS} s, ${d.keepAlive.count} probes)`
              : 'off'}
            .{' '}
            <Anchor component={Link} to={`/applications/${encodeURIComponent(app)}`} size="sm">
              {app}
            </Anchor>
          </Text>
          {d.items.length ? (
            <ConnectionsTable app={app} items={d.items} canClose={canClose} />
          ) : (
            <Text c="dimmed">
              No {transport === 'udp' ? 'TCP or TLS ' : ''}connection{q ? ' matches' : ''}.
            </Text>
          )}
          {pages > 1 ? (
            <Pagination
              total={pages}
              value={page}
              onChange={(p) => set({ page: p > 1 ? String(p) : undefined })}
              aria-label="Pages of connections"
              size="sm"
            />
          ) : null}
          {d.udpFlows.length ? (
            <Stack gap="xs" component="section" aria-labelledby="udp-flows-title">
              <Title order={2} size="h4" id="udp-flows-title">
                UDP flows
              </Title>
              <Table.ScrollContainer minWidth={560}>
                <Table striped aria-label={`UDP flows of ${app}`}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Peer</Table.Th>
                      <Table.Th>Registration</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {d.udpFlows.map((f) => (
                      <Table.Tr key={`${f.peer}-${f.aor}-${f.instance ?? ''}`}>
                        <Table.Td ff="monospace">{f.peer}</Table.Td>
                        <Table.Td>
                          <Flows flows={[f]} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Stack>
          ) : null}
        </Stack>
      ) : null}
    </Page>
  );
}
