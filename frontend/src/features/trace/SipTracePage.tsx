import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Code,
  Group,
  Loader,
  ScrollArea,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconDownload, IconSearch } from '@tabler/icons-react';
import { useMemo, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Page } from '../../components/Page';
import { useProxiesPage, useSipServers } from '../applications/api';
import { usePcapDownload, useTrace, type TraceRecordView } from './api';
import { buildLadder, type Ladder } from './ladder';

const COL_W = 190;
const ROW_H = 34;

/** The ladder (sequence diagram) of the chosen call, drawn as SVG; the table beside it says the same in text. */
function LadderDiagram({ ladder, selected, onSelect }: { ladder: Ladder; selected?: number; onSelect: (seq: number) => void }) {
  const w = ladder.columns.length * COL_W;
  const h = 56 + ladder.rows.length * ROW_H + 10;
  const x = (i: number): number => i * COL_W + COL_W / 2;
  return (
    <ScrollArea type="auto">
      <svg
        width={w}
        height={h}
        role="img"
        aria-label={`Ladder of ${ladder.rows.length} messages between ${ladder.columns.map((c) => c.label).join(', ')}`}
        data-testid="trace-ladder"
      >
        {ladder.columns.map((c, i) => (
          <g key={c.key}>
            <text x={x(i)} y={18} textAnchor="middle" fontSize={12} fontWeight={700} fill="var(--mantine-color-text)">
              {c.label.length > 30 ? `${c.label.slice(0, 29)}…` : c.label}
            </text>
            <text x={x(i)} y={34} textAnchor="middle" fontSize={11} fill="var(--mantine-color-dimmed)">
              {c.kind === 'proxy' ? 'SIP Proxy' : c.kind === 'sip-server' ? 'SIP Server' : 'endpoint'}
            </text>
            <line x1={x(i)} y1={42} x2={x(i)} y2={h} stroke="var(--mantine-color-default-border)" strokeWidth={2} />
          </g>
        ))}
        {ladder.rows.map((r, i) => {
          const y = 62 + i * ROW_H;
          const dir = r.to > r.from ? 1 : -1;
          const x2 = x(r.to) - dir * 6;
          const color =
            r.label.startsWith('4') || r.label.startsWith('5') || r.label.startsWith('6') ? 'red' : /^\d/.test(r.label) ? 'teal' : 'blue';
          return (
            <g
              key={r.seq}
              data-seq={r.seq}
              onClick={() => onSelect(r.seq)}
              style={{ cursor: 'pointer' }}
              opacity={selected === undefined || selected === r.seq ? 1 : 0.75}
            >
              <line
                x1={x(r.from)}
                y1={y}
                x2={x2}
                y2={y}
                stroke={`var(--mantine-color-${color}-6)`}
                strokeWidth={selected === r.seq ? 3 : 2}
              />
              <polygon points={`${x2},${y - 5} ${x2 + dir * 6},${y} ${x2},${y + 5}`} fill={`var(--mantine-color-${color}-6)`} />
              <text x={(x(r.from) + x(r.to)) / 2} y={y - 6} textAnchor="middle" fontSize={12} fill="var(--mantine-color-text)">
                {r.label.length > 26 ? `${r.label.slice(0, 25)}…` : r.label}
              </text>
              <text x={4} y={y + 4} fontSize={10} fill="var(--mantine-color-dimmed)">
                +{r.offsetMs} ms
              </text>
            </g>
          );
        })}
      </svg>
    </ScrollArea>
  );
}

function time(us: number): string {
  const d = new Date(us / 1000);
  return `${d.toISOString().slice(11, 23)}`;
}

/**
 * The SIP trace: the recent messages the running worker of a SIP Proxy application kept ([sipproxy] sip-trace-size),
 * searched by Call-ID, number or address, drawn as a ladder per call, each message readable, and all of it as pcap.
 */
export function SipTracePage() {
  const [params, setParams] = useSearchParams();
  const app = params.get('app') ?? '';
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const proxies = useProxiesPage({ pageSize: 500, sort: 'name' });
  const servers = useSipServers();
  const trace = useTrace(app ? { app, q: q || undefined, limit: 500 } : undefined);
  const pcap = usePcapDownload();
  const [callId, setCallId] = useState<string | undefined>();
  const [selected, setSelected] = useState<number | undefined>();

  const items = useMemo(() => trace.data?.items ?? [], [trace.data]);
  const calls = useMemo(() => [...new Set(items.map((i) => i.callId))], [items]);
  const shownCall = callId && calls.includes(callId) ? callId : calls[0];
  const callItems = items.filter((i) => i.callId === shownCall);
  const serverNames = useMemo(
    () => new Map((servers.data?.items ?? []).map((s) => [`${s.host ?? ''}:${s.ports['sip-port'] ?? 5060}`, s.name])),
    [servers.data],
  );
  const ladder = useMemo(() => buildLadder(callItems, serverNames), [callItems, serverNames]);
  const message: TraceRecordView | undefined = callItems.find((i) => i.seq === selected) ?? callItems[0];

  const search = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams(params);
    if (text.trim()) next.set('q', text.trim());
    else next.delete('q');
    setParams(next);
    setCallId(undefined);
    setSelected(undefined);
  };

  return (
    <Page
      title="SIP trace"
      description="Recent SIP messages a proxy received and sent, by Call-ID, number or address: a ladder per call, each message, and a pcap for Wireshark."
      actions={
        <Button
          leftSection={<IconDownload size={16} />}
          variant="default"
          disabled={!app || items.length === 0}
          loading={pcap.isPending}
          onClick={() => pcap.mutate({ app, q: q || undefined })}
        >
          Download pcap
        </Button>
      }
    >
      <form onSubmit={search} aria-label="Search the trace">
        <Group align="flex-end" wrap="wrap">
          <Select
            label="SIP Proxy application"
            placeholder="Choose a proxy"
            data={(proxies.data?.items ?? []).map((p) => p.name)}
            value={app || null}
            onChange={(v) => {
              const next = new URLSearchParams(params);
              if (v) next.set('app', v);
              else next.delete('app');
              setParams(next);
            }}
            searchable
            w={240}
          />
          <TextInput
            label="Call-ID, number or address"
            placeholder="e.g. 2000, 10.0.0.5:5060 or a Call-ID"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            w={320}
          />
          <Button type="submit" leftSection={<IconSearch size={16} />} disabled={!app}>
            Search
          </Button>
        </Group>
      </form>

      {!app ? <Text c="dimmed">Choose a SIP Proxy application to read its running worker's trace.</Text> : null}
      {trace.isLoading ? <Loader size="sm" aria-label="Loading the trace" /> : null}
      {trace.error ? (
        <Alert color="red" title="The worker could not be asked">
          {trace.error.message}
        </Alert>
      ) : null}
      {trace.data && trace.data.trace && !trace.data.trace.enabled ? (
        <Alert color="yellow" title="The trace is off for this application">
          Its worker keeps no messages: set <Code>[sipproxy] sip-trace-size</Code> (for example 5000) on{' '}
          <Anchor component={Link} to={`/applications/${encodeURIComponent(app)}`}>
            {app}
          </Anchor>
          ; it applies at once.
        </Alert>
      ) : null}
      {trace.data?.trace?.enabled ? (
        <Text size="sm" c="dimmed" data-testid="trace-status">
          {trace.data.total} matching of {trace.data.trace.held} kept (ring of {trace.data.trace.size}; {trace.data.trace.traced} traced
          since the worker started)
          {trace.data.trace.hep ? `; mirrored to Homer at ${trace.data.trace.hep.collector} (${trace.data.trace.hep.sent} sent)` : ''}.
        </Text>
      ) : null}

      {calls.length > 0 ? (
        <Stack gap="sm">
          <Group gap="xs" wrap="wrap" aria-label="Calls found">
            {calls.slice(0, 30).map((c) => (
              <Button
                key={c}
                size="compact-sm"
                variant={c === shownCall ? 'filled' : 'default'}
                onClick={() => {
                  setCallId(c);
                  setSelected(undefined);
                }}
                aria-pressed={c === shownCall}
              >
                {c.length > 24 ? `${c.slice(0, 23)}…` : c}
              </Button>
            ))}
          </Group>
          <Title order={2} size="h4">
            Call {shownCall}
          </Title>
          <LadderDiagram ladder={ladder} selected={message?.seq} onSelect={setSelected} />
          <ScrollArea type="auto">
            <Table striped highlightOnHover aria-label="Messages of the call" miw={640}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Time (UTC)</Table.Th>
                  <Table.Th>Direction</Table.Th>
                  <Table.Th>Peer</Table.Th>
                  <Table.Th>Message</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {callItems.map((i) => (
                  <Table.Tr
                    key={i.seq}
                    onClick={() => setSelected(i.seq)}
                    aria-selected={i.seq === message?.seq}
                    style={{ cursor: 'pointer' }}
                  >
                    <Table.Td>{time(i.atUs)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={i.direction === 'in' ? 'blue' : 'grape'}>
                        {i.direction === 'in' ? 'received' : 'sent'} {i.transport.toUpperCase()}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {i.remote.address}:{i.remote.port}
                    </Table.Td>
                    <Table.Td>
                      <Anchor component="button" type="button" onClick={() => setSelected(i.seq)}>
                        {i.firstLine}
                      </Anchor>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          {message ? (
            <Box>
              <Title order={3} size="h5">
                Message {message.seq}: {message.firstLine}
              </Title>
              <Code block data-testid="trace-message" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {message.message}
              </Code>
            </Box>
          ) : null}
        </Stack>
      ) : trace.data?.trace?.enabled ? (
        <Text c="dimmed">No kept message matches{q ? ` “${q}”` : ''}.</Text>
      ) : null}
    </Page>
  );
}
