import { Alert, Badge, Button, Card, Group, List, Loader, Select, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconCertificate, IconShieldCheck } from '@tabler/icons-react';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Page } from '../../components/Page';
import { useProxiesPage } from '../applications/api';
import { useCan } from '../auth/permissions';
import {
  useCertificateCheck,
  useCertificates,
  type CertificateCheckAnswer,
  type CertificateFacts,
  type CertificateState,
  type CertificateView,
  type ChainCheck,
} from './api';

const STATE: Record<CertificateState, { label: string; color: string }> = {
  valid: { label: 'Valid', color: 'green' },
  expiring: { label: 'Expires soon', color: 'yellow' },
  expired: { label: 'Expired', color: 'red' },
  'not-yet-valid': { label: 'Not yet valid', color: 'orange' },
  invalid: { label: 'Invalid', color: 'red' },
};

/** The state in words as well as colour (screen readers, greyscale). */
export function CertificateStateBadge({ state }: { state: CertificateState }) {
  const s = STATE[state];
  return (
    <Badge color={s.color} variant="light" data-testid="certificate-state">
      {s.label}
    </Badge>
  );
}

function daysLeftText(f: CertificateFacts): string {
  if (f.daysLeft < 0) return `expired ${-f.daysLeft} day${f.daysLeft === -1 ? '' : 's'} ago`;
  return `${f.daysLeft} day${f.daysLeft === 1 ? '' : 's'} left`;
}

const date = (iso: string) => iso.slice(0, 16).replace('T', ' ');

const CHAIN: Record<ChainCheck['status'], string> = {
  trusted: 'Trusted',
  untrusted: 'Not trusted',
  'no-trusted-ca': 'Not checked (no trusted-ca)',
};

/** Label and value, wrapping long names (a SAN list, a DN) instead of widening the page. */
function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

function Facts({ f, chain, keyMatches }: { f: CertificateFacts; chain: ChainCheck | null; keyMatches: boolean | null }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
      <Fact label="Subject">{f.subject}</Fact>
      <Fact label="Issuer">{f.issuer}</Fact>
      <Fact label="Subject alternative names">{f.san.length ? f.san.join(', ') : 'none'}</Fact>
      <Fact label="Valid">
        {date(f.notBefore)} to {date(f.notAfter)} UTC
      </Fact>
      <Fact label="Chain">{chain ? <span title={chain.detail}>{CHAIN[chain.status]}</span> : 'trusted-ca does not load'}</Fact>
      <Fact label="Key matches the certificate">{keyMatches === null ? 'unknown (the key does not load)' : keyMatches ? 'Yes' : 'No'}</Fact>
    </SimpleGrid>
  );
}

function CertificateCard({ c }: { c: CertificateView }) {
  return (
    <Card
      withBorder
      padding="md"
      data-testid={`certificate-${c.application}`}
      aria-label={`Certificate of ${c.application}`}
      component="section"
    >
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4" style={{ overflowWrap: 'anywhere' }}>
            {c.application}
          </Title>
          <Group gap="xs">
            <CertificateStateBadge state={c.state} />
            {c.certificate ? (
              <Text size="sm" fw={600} data-testid="days-left">
                {daysLeftText(c.certificate)}
              </Text>
            ) : null}
          </Group>
        </Group>
        {c.certificate ? <Facts f={c.certificate} chain={c.chain} keyMatches={c.keyMatches} /> : null}
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          certificate: {c.sources.certificate} · certificate-key: {c.sources['certificate-key']}
          {c.sources['trusted-ca'] ? ` · trusted-ca: ${c.sources['trusted-ca']}` : ''} ·{' '}
          {c.listener ? 'TLS listener on tls-port' : 'no tls-port (not used by a listener)'}
        </Text>
        {c.problems.length ? (
          <Alert color="red" title="The worker would not load this material" p="xs">
            <List size="sm">
              {c.problems.map((p, i) => (
                <List.Item key={i} style={{ overflowWrap: 'anywhere' }}>
                  {p.option}: {p.message}
                </List.Item>
              ))}
            </List>
          </Alert>
        ) : null}
      </Stack>
    </Card>
  );
}

function CheckResult({ a }: { a: CertificateCheckAnswer }) {
  return (
    <Alert
      color={a.accepted ? 'green' : 'red'}
      title={
        a.accepted ? `Accepted: the worker of ${a.application} would load it and a save would keep it` : `Refused for ${a.application}`
      }
      data-testid="check-result"
    >
      <Stack gap="xs">
        <Group gap="xs">
          <CertificateStateBadge state={a.state} />
          {a.certificate ? <Text size="sm">{daysLeftText(a.certificate)}</Text> : null}
        </Group>
        <Text size="sm">Worker check: {a.worker.accepted ? 'loads it' : `refuses it (${a.worker.option}): ${a.worker.reason ?? ''}`}</Text>
        <Text size="sm">Saving: {a.save.accepted ? 'would be accepted' : 'would be refused'}</Text>
        {a.save.problems.length ? (
          <List size="sm">
            {a.save.problems.map((p, i) => (
              <List.Item key={i} style={{ overflowWrap: 'anywhere' }}>
                {p.option}: {p.message}
              </List.Item>
            ))}
          </List>
        ) : null}
        {a.certificate ? <Facts f={a.certificate} chain={a.chain} keyMatches={a.keyMatches} /> : null}
      </Stack>
    </Alert>
  );
}

/** The dry run: paste a certificate (PEM, or a path under the TLS material directory) and ask before saving it. */
function CheckForm({ applications }: { applications: string[] }) {
  const [application, setApplication] = useState<string | null>(null);
  const [certificate, setCertificate] = useState('');
  const [key, setKey] = useState('');
  const [ca, setCa] = useState('');
  const check = useCertificateCheck();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!application || !certificate.trim()) return;
    check.mutate({
      application,
      certificate,
      ...(key.trim() ? { 'certificate-key': key } : {}),
      ...(ca.trim() ? { 'trusted-ca': ca } : {}),
    });
  };
  const mono = { input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } };
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="check-title">
      <form onSubmit={submit} aria-label="Check a certificate">
        <Stack gap="sm">
          <Title order={2} size="h4" id="check-title">
            Check a new certificate before saving it
          </Title>
          <Text size="sm" c="dimmed">
            The worker's own TLS check runs on what you give (PEM, or a file path under the TLS material directory); empty key or CA means
            the configured one. Nothing is saved.
          </Text>
          <Select
            label="SIP Proxy application"
            placeholder="Choose a proxy"
            data={applications}
            value={application}
            onChange={setApplication}
            searchable
            maw={360}
          />
          <Textarea
            label="certificate"
            placeholder="-----BEGIN CERTIFICATE-----… or a path"
            value={certificate}
            onChange={(e) => setCertificate(e.currentTarget.value)}
            autosize
            minRows={3}
            maxRows={10}
            styles={mono}
          />
          <Textarea
            label="certificate-key (optional)"
            placeholder="-----BEGIN PRIVATE KEY-----… or a path; empty keeps the configured key"
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            autosize
            minRows={2}
            maxRows={8}
            styles={mono}
          />
          <Textarea
            label="trusted-ca (optional)"
            placeholder="-----BEGIN CERTIFICATE-----… or a path; empty keeps the configured CA"
            value={ca}
            onChange={(e) => setCa(e.currentTarget.value)}
            autosize
            minRows={2}
            maxRows={8}
            styles={mono}
          />
          <Group>
            <Button
              type="submit"
              leftSection={<IconShieldCheck size={16} />}
              loading={check.isPending}
              disabled={!application || !certificate.trim()}
            >
              Check
            </Button>
          </Group>
          {check.error ? (
            <Alert color="red" title="Not TLS material" data-testid="check-error">
              <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                {check.error.message}
              </Text>
            </Alert>
          ) : null}
          {check.data ? <CheckResult a={check.data} /> : null}
        </Stack>
      </form>
    </Card>
  );
}

/**
 * Certificates: every SIP Proxy application's TLS material with its days left and state (alarms are raised 30 days
 * before expiry and at expiry), and, for operators and admins, the dry run of a new certificate.
 */
export function CertificatesPage() {
  const list = useCertificates();
  const canCheck = useCan('edit-config');
  const proxies = useProxiesPage({ pageSize: 500, sort: 'name' });
  const items = list.data?.items ?? [];
  return (
    <Page
      title="Certificates"
      description={`The TLS material of every SIP Proxy application: subject, names, issuer, validity and chain. An alarm is raised ${list.data?.expiryWarningDays ?? 30} days before expiry and at expiry.`}
    >
      {list.isLoading ? <Loader size="sm" aria-label="Loading certificates" /> : null}
      {list.error ? (
        <Alert color="red" title="Certificates could not be read">
          {list.error.message}
        </Alert>
      ) : null}
      {list.data && items.length === 0 ? (
        <Group gap="xs">
          <IconCertificate size={18} />
          <Text c="dimmed">No SIP Proxy application has a certificate ([security] certificate).</Text>
        </Group>
      ) : null}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        {items.map((c) => (
          <CertificateCard key={c.application} c={c} />
        ))}
      </SimpleGrid>
      {canCheck ? <CheckForm applications={(proxies.data?.items ?? []).map((p) => p.name)} /> : null}
      {!canCheck ? (
        <Text size="sm" c="dimmed">
          Operators and admins can check a new certificate here before saving it.
        </Text>
      ) : null}
    </Page>
  );
}
