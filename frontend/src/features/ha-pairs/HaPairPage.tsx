import { useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Center,
  Group,
  Loader,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { IconServer2 } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import type { ServicePair } from '../../api';
import { EmptyPanel } from '../../components/EmptyPanel';
import { Page } from '../../components/Page';
import { StatusBadge, toServiceStatus } from '../../components/StatusBadge';
import { PairStateBadge } from '../../components/PairStateBadge';
import { useServiceState } from '../live/api';
import { useCan } from '../auth/permissions';
import { useSetServerAdminState } from '../admin-state/api';
import { ms, summarizeServer, timeline, type ServerHealth, type ServerSummary } from './health';

const HEALTH: Record<ServerHealth, { label: string; color: string }> = {
  answering: { label: 'answering', color: 'green' },
  'not-answering': { label: 'not answering', color: 'red' },
  'not-probed': { label: 'not probed', color: 'gray' },
};

const appLink = (name: string) => `/applications/${encodeURIComponent(name)}`;

function when(iso?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/**
 * Buttons naming a server ("Switch over from SIPServer_A_backup") are wider than a 390 px phone's card: their label
 * wraps inside the card instead of widening the page (Mantine's label is nowrap by default).
 */
const WRAPPING_BUTTON = {
  root: { maxWidth: '100%', height: 'auto', minHeight: 30 },
  label: { whiteSpace: 'normal', textAlign: 'left', paddingBlock: 4 },
} as const;

function HealthBadge({ health }: { health: ServerHealth }) {
  const h = HEALTH[health];
  return (
    <Badge color={h.color} variant="light" data-health={health}>
      {h.label}
    </Badge>
  );
}

/** One server of the pair with its own health: whether it answers, whatever the pair's state says. */
function ServerCard({ s, other }: { s: ServerSummary; other?: ServerSummary }) {
  const headingId = `server-${s.role}`;
  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      component="section"
      aria-labelledby={headingId}
      data-server-role={s.role}
      data-health={s.health}
      style={{ minWidth: 0 }}
    >
      <Stack gap={6}>
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <ThemeIcon variant="light" color={HEALTH[s.health].color} aria-hidden>
            <IconServer2 size={18} />
          </ThemeIcon>
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Text size="xs" tt="uppercase" c="dimmed" fw={600}>
              {s.role}
            </Text>
            <Title order={3} size="h5" id={headingId} style={{ overflowWrap: 'anywhere' }}>
              <Anchor component={Link} to={appLink(s.name)} c="inherit" underline="hover">
                {s.name}
              </Anchor>
            </Title>
            <Text size="xs" ff="monospace" c="dimmed">
              {s.host}:{s.port}
            </Text>
          </Stack>
        </Group>
        <Group gap={6}>
          <HealthBadge health={s.health} />
          {s.activeFor.length > 0 ? (
            <Badge color={s.role === 'primary' ? 'green' : 'yellow'} variant="filled">
              active
            </Badge>
          ) : null}
          {s.standby ? (
            <Badge color="gray" variant="outline">
              standby
            </Badge>
          ) : null}
          {s.forced ? (
            <Badge color="red" variant="outline" data-testid="forced-out" maw="100%">
              out of service by an operator
            </Badge>
          ) : null}
        </Group>
        <Text size="sm" data-testid="last-answer">
          Last answer: {s.lastAnswerAt ? when(s.lastAnswerAt) : 'never'}
          {s.lastCode !== undefined ? ` (${s.lastCode}` : ''}
          {s.lastCode !== undefined && s.lastRttMs !== undefined ? `, ${ms(s.lastRttMs)})` : s.lastCode !== undefined ? ')' : ''}
        </Text>
        <Text size="xs" c="dimmed">
          {s.answering} answering, {s.notAnswering} not answering, {s.notProbed} not probed
          {s.activeFor.length > 0 ? ` · active for ${s.activeFor.join(', ')}` : ''}
        </Text>
        <ServerControls s={s} other={other} />
      </Stack>
    </Paper>
  );
}

/**
 * Manual switchover and maintenance (`PUT /api/sip-servers/{name}/admin-state`): taking the active server out of
 * service moves the proxies to the other one; probes do not bring it back until an operator returns it.
 */
function ServerControls({ s, other }: { s: ServerSummary; other?: ServerSummary }) {
  const canEdit = useCan('edit-config');
  const [confirming, setConfirming] = useState(false);
  const set = useSetServerAdminState(s.name);
  if (!canEdit) return null;
  if (s.forced) {
    return (
      <Group gap="xs">
        <Button size="xs" variant="default" styles={WRAPPING_BUTTON} loading={set.isPending} onClick={() => set.mutate('active')}>
          Return {s.name} to service
        </Button>
        {set.error ? (
          <Text role="alert" c="red" size="xs" style={{ overflowWrap: 'anywhere' }}>
            {set.error instanceof Error ? set.error.message : 'Refused'}
          </Text>
        ) : null}
      </Group>
    );
  }
  const active = s.activeFor.length > 0;
  return (
    <>
      <Group gap="xs">
        <Button size="xs" variant="light" color={active ? 'orange' : 'gray'} styles={WRAPPING_BUTTON} onClick={() => setConfirming(true)}>
          {active ? `Switch over from ${s.name}` : `Take ${s.name} out of service`}
        </Button>
      </Group>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={`Take ${s.name} out of service?`}>
        <Stack gap="sm">
          <Text size="sm">
            {active
              ? `It is active for ${s.activeFor.join(', ')}: they switch over to ${other?.name ?? 'the other server'}${other && other.health !== 'answering' ? ', which is not answering now, so the pair may go out of service' : ''}.`
              : 'No proxy sends it traffic now; it stays out of service for maintenance.'}{' '}
            Probes do not bring it back: return it to service here when the work is done.
          </Text>
          {set.error ? (
            <Alert color="red" role="alert" title="Refused">
              {set.error instanceof Error ? set.error.message : String(set.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button
              color="orange"
              loading={set.isPending}
              onClick={() => set.mutate('out-of-service', { onSuccess: () => setConfirming(false) })}
            >
              Take out of service
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Each proxy's latest probe of each server: where proxies disagree, the row that differs shows why. */
function ProbesTable({ pair }: { pair: ServicePair }) {
  const rows = pair.views.flatMap((v) => v.servers.map((s) => ({ v, s })));
  if (rows.length === 0) return <EmptyPanel title="No probes" description="No proxy reports on this pair yet." />;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table aria-label={`Probes of ${pair.name} per proxy`} striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Proxy</Table.Th>
            <Table.Th>Sees</Table.Th>
            <Table.Th>Server</Table.Th>
            <Table.Th>Health</Table.Th>
            <Table.Th>Code</Table.Th>
            <Table.Th>RTT</Table.Th>
            <Table.Th>Last probe</Table.Th>
            <Table.Th>Last answer</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(({ v, s }) => (
            <Table.Tr key={`${v.worker}-${s.role}`} data-proxy={v.worker} data-server={s.name}>
              <Table.Td>
                <Anchor component={Link} to={appLink(v.worker)} size="sm">
                  {v.worker}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <StatusBadge status={toServiceStatus(v.state)} size="sm" />
              </Table.Td>
              <Table.Td>
                {s.name}{' '}
                <Text span size="xs" c="dimmed">
                  ({s.role})
                </Text>
              </Table.Td>
              <Table.Td>
                <HealthBadge health={s.up === undefined ? 'not-probed' : s.up ? 'answering' : 'not-answering'} />
              </Table.Td>
              <Table.Td>{s.lastCode ?? '—'}</Table.Td>
              <Table.Td>{s.lastRttMs !== undefined ? ms(s.lastRttMs) : '—'}</Table.Td>
              <Table.Td>{when(s.lastProbeAt)}</Table.Td>
              <Table.Td>{when(s.lastSeenAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The pair's state changes as every proxy recorded them (the worker's history: trigger, code, RTT), newest first. */
function Timeline({ pair }: { pair: ServicePair }) {
  const entries = timeline(pair.views);
  if (entries.length === 0)
    return <EmptyPanel title="No state changes" description="The proxies have not recorded a change of this pair since they started." />;
  return (
    <Stack component="ol" gap={0} aria-label={`State changes of ${pair.name}`} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {entries.map((e, i) => (
        <li
          key={`${e.proxy}-${e.at}-${i}`}
          data-to={e.to}
          style={{
            borderLeft: '2px solid var(--mantine-color-default-border)',
            paddingLeft: 'var(--mantine-spacing-md)',
            paddingBottom: 'var(--mantine-spacing-sm)',
            position: 'relative',
          }}
        >
          <span
            aria-hidden
            style={{
              position: 'absolute',
              left: -6,
              top: 4,
              width: 10,
              height: 10,
              borderRadius: 10,
              background: `var(--mantine-color-${e.to === 'out-of-service' ? 'red' : e.to === 'backup-active' ? 'yellow' : e.to === 'primary-active' ? 'green' : 'gray'}-6)`,
            }}
          />
          <Text size="xs" c="dimmed">
            <time dateTime={e.at}>{when(e.at)}</time> · {e.proxy}
          </Text>
          <Group gap={6} wrap="wrap">
            <StatusBadge status={toServiceStatus(e.from)} size="xs" variant="outline" />
            <Text span size="sm" aria-label="changed to">
              →
            </Text>
            <StatusBadge status={toServiceStatus(e.to)} size="xs" />
          </Group>
          <Text size="sm">
            Trigger{' '}
            <Text span ff="monospace">
              {e.trigger}
            </Text>
            {e.server ? ` on the ${e.server}` : ''}
            {e.code !== undefined ? `, code ${e.code}` : ''}
            {e.rttMs !== undefined ? `, RTT ${ms(e.rttMs)}` : ''}
          </Text>
        </li>
      ))}
    </Stack>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  const id = `section-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <Stack gap="xs" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id}>
        {title}
      </Title>
      {children}
    </Stack>
  );
}

/** `/pairs/:name`: one SIP Server HA pair, its servers' own health, every proxy's probes and its history. */
export function HaPairPage() {
  const { name = '' } = useParams();
  const { data, isLoading, error } = useServiceState();
  const title = `HA pair ${name}`;
  if (isLoading) {
    return (
      <Page title={title}>
        <Center py="xl">
          <Loader aria-label="Loading service state" />
        </Center>
      </Page>
    );
  }
  if (error || !data) {
    return (
      <Page title={title}>
        <Alert color="red" role="alert" title="Could not load the service state">
          {error instanceof Error ? error.message : 'No answer from the control plane.'}
        </Alert>
      </Page>
    );
  }
  const pair = data.pairs.find((p) => p.name === name);
  if (!pair) {
    return (
      <Page title={title}>
        <EmptyPanel
          title="No such HA pair"
          description={`No SIP Server named ${name} has a backup, and no proxy reports a pair of that name.`}
        />
      </Page>
    );
  }
  const servers = (['primary', 'backup'] as const).map((r) => summarizeServer(pair, r)).filter((s): s is ServerSummary => !!s);
  const sites = data.sites.filter((s) => s.sipServer === pair.name);
  return (
    <Page
      title={title}
      description={
        <>
          {sites.length === 0 ? (
            'Serves no site. '
          ) : (
            <>
              Serves{' '}
              {sites.map((s, i) => (
                <span key={s.switch}>
                  {i > 0 ? ', ' : ''}
                  <Anchor component={Link} to={`/switches/${encodeURIComponent(s.switch)}`} size="sm">
                    {s.switch}
                  </Anchor>
                </span>
              ))}
              .{' '}
            </>
          )}
          Monitored by {pair.views.length} prox{pair.views.length === 1 ? 'y' : 'ies'}.
        </>
      }
      actions={<PairStateBadge state={pair.state as ServicePair['state']} />}
    >
      <Breadcrumbs aria-label="Breadcrumb" separatorMargin={6}>
        <Anchor component={Link} to="/sites" size="sm">
          Site map
        </Anchor>
        <Text size="sm">{pair.name}</Text>
      </Breadcrumbs>
      <Section title="Servers">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {servers.map((s) => (
            <ServerCard key={s.role} s={s} other={servers.find((o) => o !== s)} />
          ))}
        </SimpleGrid>
        <Text size="sm" c="dimmed" data-testid="failback-rule">
          Failback rule: new calls go to the active server. The proxies fail over when it does not answer an OPTIONS probe in time, when a
          forwarded request times out or gets 503, or when the other server sends a request. The server left behind is probed every
          oos-force seconds and shows "standby" once it answers, but traffic stays where it is: it moves back only by the same triggers
          (there is no automatic failback).
        </Text>
      </Section>
      <Section title="Probes per proxy">
        <ProbesTable pair={pair} />
      </Section>
      <Section title="History">
        <Timeline pair={pair} />
      </Section>
      <Section title="Manual controls">
        <Text size="sm" c="dimmed" data-testid="manual-controls">
          {servers.some((x) => x.forced)
            ? `Out of service by an operator: ${servers
                .filter((x) => x.forced)
                .map((x) => x.name)
                .join(', ')}. The proxies treat it as down whatever its probes say.`
            : 'Operators switch over from the active server, or take a server out for maintenance, with the buttons on its card; it stays out of service until returned.'}
        </Text>
      </Section>
    </Page>
  );
}
