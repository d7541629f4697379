import { useState, type FormEvent } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  List,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconRoute } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { Page } from '../../components/Page';
import { errorMessage } from '../../lib/notify';
import { useProxiesPage } from '../applications/api';
import { useRoutePreview, type RoutePreviewAnswer, type RoutePreviewRequest } from './api';
import { outcomeText, relayText, ruleText, sourceText } from './explain';

const METHODS = [
  'INVITE',
  'REGISTER',
  'OPTIONS',
  'MESSAGE',
  'SUBSCRIBE',
  'NOTIFY',
  'INFO',
  'REFER',
  'BYE',
  'CANCEL',
  'ACK',
  'UPDATE',
  'PRACK',
  'PUBLISH',
];
const OUTCOME_COLOR: Record<RoutePreviewAnswer['outcome'], string> = { forward: 'teal', answer: 'blue', refuse: 'red' };
const EXAMPLE =
  'INVITE sip:2000@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-1\r\nFrom: <sip:1000@example.com>;tag=1\r\nTo: <sip:2000@example.com>\r\nCall-ID: preview-1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';

/** One fact of the answer: a label and its value, wrapping on a phone. */
function Fact({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <Stack gap={2} data-testid={testId} style={{ minWidth: 0 }}>
      <Text size="xs" tt="uppercase" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Stack>
  );
}

/** The worker's decision and why: the rule, the HA pair and its server, the flow, the relay policy, DNS, each step. */
export function PreviewAnswer({ a }: { a: RoutePreviewAnswer }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="preview-answer-title" data-outcome={a.outcome}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4" id="preview-answer-title" style={{ overflowWrap: 'anywhere' }}>
            {outcomeText(a)}
          </Title>
          <Badge color={OUTCOME_COLOR[a.outcome]} variant="light" size="lg" data-testid="preview-outcome">
            {a.outcome}
            {a.status ? ` ${a.status}` : ''}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          Decided by the running worker of {a.app} (instance {a.instanceId}) with its own routing code and live state; nothing was sent.
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {a.decision ? (
            <Fact label="Rule" testId="preview-rule">
              {ruleText(a.decision)}
            </Fact>
          ) : null}
          {a.source ? <Fact label="Request from">{sourceText(a.source)}</Fact> : null}
          {a.pair ? (
            <Fact label="HA pair and server" testId="preview-pair">
              <Anchor component={Link} to={`/pairs/${encodeURIComponent(a.pair.name)}`} size="sm">
                {a.pair.name}
              </Anchor>{' '}
              ({a.pair.state}
              {a.pair.serving ? ', serving this proxy' : ''})
              {a.pair.server
                ? `: ${a.pair.server.name} (${a.pair.server.role}) at ${a.pair.server.transport}:${a.pair.server.host}:${a.pair.server.port}`
                : ': no server in service'}
            </Fact>
          ) : null}
          {a.flow ? (
            <Fact label="Registered flow" testId="preview-flow">
              {a.flow.transport}:{a.flow.host}:{a.flow.port}
              {a.flow.connectionId ? (
                <>
                  {' '}
                  on{' '}
                  <Anchor
                    component={Link}
                    to={`/connections?app=${encodeURIComponent(a.app)}&q=${encodeURIComponent(a.flow.host)}`}
                    size="sm"
                  >
                    {a.flow.connectionId}
                  </Anchor>
                </>
              ) : null}
            </Fact>
          ) : null}
          {a.relay ? (
            <Fact label="Relay policy" testId="preview-relay">
              {relayText(a.relay)}
            </Fact>
          ) : null}
          {a.dns ? (
            <Fact label="DNS (RFC 3263)" testId="preview-dns">
              {a.dns.query.host}
              {' → '}
              {a.dns.candidates.length
                ? a.dns.candidates.map((c) => `${c.transport}:${c.host}:${c.port}`).join(', ')
                : `does not resolve${a.dns.error ? `: ${a.dns.error}` : ''}`}
            </Fact>
          ) : null}
        </SimpleGrid>
        <Title order={3} size="h5">
          Why, step by step
        </Title>
        <List type="ordered" size="sm" spacing={4} aria-label="Routing steps" data-testid="preview-steps">
          {a.steps.map((s, i) => (
            <List.Item key={i} style={{ overflowWrap: 'anywhere' }}>
              <Code>{s.step}</Code> {s.detail}
            </List.Item>
          ))}
        </List>
      </Stack>
    </Paper>
  );
}

/**
 * `/route-preview`: "where would this go?" A request given as fields or pasted whole, and the source it comes from;
 * the running worker of the chosen SIP Proxy application answers with its decision and why (POST /api/route-preview).
 */
export function RoutePreviewPage() {
  const [params, setParams] = useSearchParams();
  const app = params.get('app') ?? '';
  const proxies = useProxiesPage({ pageSize: 500, sort: 'name' });
  const preview = useRoutePreview();
  const [mode, setMode] = useState<'fields' | 'message'>('fields');
  const [method, setMethod] = useState<string | null>('INVITE');
  const [requestUri, setRequestUri] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [message, setMessage] = useState('');
  const [address, setAddress] = useState('');
  const [port, setPort] = useState<number | string>(5060);
  const [transport, setTransport] = useState<string | null>('udp');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const source = {
      address: address.trim(),
      port: typeof port === 'number' ? port : Number(port) || 5060,
      transport: (transport ?? 'udp') as 'udp' | 'tcp' | 'tls',
    };
    const body: RoutePreviewRequest =
      mode === 'message'
        ? { app, source, message: message.replace(/\r?\n/g, '\r\n') }
        : {
            app,
            source,
            method: method ?? 'INVITE',
            requestUri: requestUri.trim(),
            from: from.trim(),
            ...(to.trim() ? { to: to.trim() } : {}),
          };
    preview.mutate(body);
  };

  return (
    <Page
      title="Route preview"
      description="Where would this request go? The running proxy routes it with its own code against its live state (HA pairs, registered flows, relay policy, DNS) and says why; nothing is sent."
    >
      <form onSubmit={submit} aria-label="Request to preview">
        <Stack gap="sm">
          <Group align="flex-end" wrap="wrap" gap="sm">
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
              required
              w={{ base: '100%', xs: 240 }}
            />
            <SegmentedControl
              aria-label="Give the request as"
              value={mode}
              onChange={(v) => setMode(v as 'fields' | 'message')}
              data={[
                { value: 'fields', label: 'Fields' },
                { value: 'message', label: 'SIP message' },
              ]}
            />
          </Group>
          {mode === 'fields' ? (
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <Select label="Method" data={METHODS} value={method} onChange={setMethod} searchable allowDeselect={false} />
              <TextInput
                label="Request-URI"
                placeholder="sip:2000@example.com"
                value={requestUri}
                onChange={(e) => setRequestUri(e.currentTarget.value)}
                required
              />
              <TextInput
                label="From"
                placeholder="sip:1000@example.com"
                value={from}
                onChange={(e) => setFrom(e.currentTarget.value)}
                required
              />
              <TextInput
                label="To (optional)"
                placeholder="the Request-URI when empty"
                value={to}
                onChange={(e) => setTo(e.currentTarget.value)}
              />
            </SimpleGrid>
          ) : (
            <Textarea
              label="SIP message"
              description="A whole request as received: request line, headers, blank line."
              placeholder={EXAMPLE}
              value={message}
              onChange={(e) => setMessage(e.currentTarget.value)}
              autosize
              minRows={8}
              maxRows={20}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
              required
            />
          )}
          <Group align="flex-end" wrap="wrap" gap="sm">
            <TextInput
              label="Source address"
              placeholder="10.0.0.5"
              value={address}
              onChange={(e) => setAddress(e.currentTarget.value)}
              required
              w={{ base: '100%', xs: 200 }}
            />
            <NumberInput label="Source port" value={port} onChange={setPort} min={1} max={65535} w={120} />
            <Select
              label="Transport"
              data={['udp', 'tcp', 'tls']}
              value={transport}
              onChange={setTransport}
              allowDeselect={false}
              w={110}
            />
            <Button type="submit" leftSection={<IconRoute size={16} />} disabled={!app} loading={preview.isPending}>
              Preview
            </Button>
          </Group>
        </Stack>
      </form>
      {!app ? <Text c="dimmed">Choose the SIP Proxy application whose running worker should answer.</Text> : null}
      {preview.error ? (
        <Alert color="red" role="alert" title="No preview">
          {errorMessage(preview.error)}
        </Alert>
      ) : null}
      {preview.data && !preview.isPending ? <PreviewAnswer a={preview.data} /> : null}
      {app ? (
        <Text size="sm" c="dimmed">
          See also{' '}
          <Anchor component={Link} to={`/connections?app=${encodeURIComponent(app)}`} size="sm">
            connections of {app}
          </Anchor>{' '}
          and its{' '}
          <Anchor component={Link} to={`/trace?app=${encodeURIComponent(app)}`} size="sm">
            SIP trace
          </Anchor>
          .
        </Text>
      ) : null}
    </Page>
  );
}
