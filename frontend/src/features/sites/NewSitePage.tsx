import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  List,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertCircle, IconCircleCheck, IconPlus, IconTrash } from '@tabler/icons-react';
import { locatedErrors, type OptionSchemaEntry, type SiteRequest, type SiteResponse } from '../../api';
import { OptionField } from '../../components/OptionField';
import { Page } from '../../components/Page';
import { AppliedPanel } from '../../components/config-edit/AppliedPanel';
import { ChangesTable } from '../../components/config-edit/ChangesTable';
import { ViewerNotice } from '../../components/config-edit/OptionsFormLayout';
import { boundsOf, type OptionValue } from '../../lib/options';
import { errorMessage, notifySuccess } from '../../lib/notify';
import { useCan } from '../auth/permissions';
import { useOptionSchema } from '../options/api';
import { sitesApi } from './api';

/** The pool DN's [TServer] options the guide makes mandatory there (config-format.md), then the optional TLS port. */
const POOL_OPTIONS = ['contact', 'external-contact', 'oos-check', 'oos-force', 'sip-port-tls'] as const;
const MANDATORY = new Set(['contact', 'external-contact', 'oos-check', 'oos-force']);
/** The validator's port rule (contracts/validation.ts: an integer from 1 to 65535). */
const PORT = { min: 1, max: 65535 };

interface ProxyForm {
  name: string;
  host: string;
  sipPort: number | '';
  httpPort: number | '';
}
const ACTION_COLOR: Record<string, string> = { create: 'green', update: 'blue' };

/** Names are the server's rule (contracts/object-names.ts, which the UI may not import): its dry run names a bad one. */
function nameError(v: string): string | null {
  return v.includes('/') || v.includes('\\') ? 'Name must not contain / or \\' : null;
}
const portError = (v: number | '') =>
  v === '' || (Number.isInteger(v) && v >= PORT.min && v <= PORT.max) ? null : `Must be a whole number from ${PORT.min} to ${PORT.max}`;

/** The registry's entry as it applies on the pool DN: mandatory there, so its mandatoryMin is the lower bound. */
function poolEntry(schema: OptionSchemaEntry[] | undefined, name: string): OptionSchemaEntry | undefined {
  const o = schema?.find((x) => x.name === name && x.section === 'TServer' && (x.objects ?? []).includes('voip-service'));
  if (!o || !MANDATORY.has(name) || o.mandatoryMin === undefined) return o;
  return { ...o, min: boundsOf(o, { mandatory: true }).min };
}

/** What the dry run says the change does: the objects, every problem named on its object, and the diff. */
export function SitePlanView({ plan, schema }: { plan: SiteResponse; schema?: Parameters<typeof ChangesTable>[0]['schema'] }) {
  const problems = plan.plan?.problems ?? [];
  const errors = plan.errors ?? [];
  return (
    <Stack gap="sm" data-testid="site-plan">
      {problems.length > 0 || errors.length > 0 ? (
        <Alert color="red" role="alert" icon={<IconAlertCircle aria-hidden />} title="Validation problems: fix these before applying">
          <List size="sm" spacing={2}>
            {problems.map((p) => (
              <List.Item key={p}>{p}</List.Item>
            ))}
            {errors
              .filter((e) => e.code !== 'site-plan')
              .map((e, i) => (
                <List.Item key={`${e.path}-${i}`}>
                  {e.object ? <b>{`${e.object.kind} ${e.object.name}${e.field ? ` · ${e.field}` : ''}: `}</b> : null}
                  {e.message}
                </List.Item>
              ))}
          </List>
        </Alert>
      ) : (
        <Alert color="green" icon={<IconCircleCheck aria-hidden />}>
          The resulting configuration is valid.
        </Alert>
      )}
      <Table aria-label="Site objects" striped fz="sm" verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Object</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>What</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(plan.plan?.objects ?? []).map((o) => (
            <Table.Tr key={`${o.kind}/${o.name}/${o.action}`}>
              <Table.Td>
                <Text size="sm" ff="monospace" fw={600} style={{ overflowWrap: 'anywhere' }}>{`${o.kind} ${o.name}`}</Text>
              </Table.Td>
              <Table.Td>
                <Badge size="sm" variant="light" color={ACTION_COLOR[o.action] ?? 'gray'}>
                  {o.action}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                  {o.summary}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {plan.result ? (
        <Stack gap={4}>
          <Title order={3} size="h5">
            Pending changes
          </Title>
          <ChangesTable changes={plan.result.changes} label="Pending changes" schema={schema} />
        </Stack>
      ) : null}
    </Stack>
  );
}

/**
 * A new site in one reviewed change (POST /api/sites): the SIP Server HA pair, the switch, its proxy-pool VoIP
 * Service DN with the options the guide makes mandatory (fields from the option registry, its limits), the pool's
 * proxies, and every existing proxy made to monitor the new pair. Review the diff, apply, then see it per worker.
 */
export function NewSitePage() {
  const canEdit = useCan('edit-config');
  const qc = useQueryClient();
  const schema = useOptionSchema();
  const [site, setSite] = useState('');
  const [primary, setPrimary] = useState({ name: '', host: '' });
  const [backup, setBackup] = useState({ name: '', host: '' });
  const [sipPort, setSipPort] = useState<number | ''>('');
  const [poolNumber, setPoolNumber] = useState('sipproxy-pool');
  const [pool, setPool] = useState<Record<string, OptionValue | undefined>>({});
  const [proxies, setProxies] = useState<ProxyForm[]>([{ name: '', host: '', sipPort: '', httpPort: '' }]);
  const [invalid, setInvalid] = useState<Record<string, string | null>>({});
  const [plan, setPlan] = useState<SiteResponse | null>(null);
  const [applied, setApplied] = useState<number | null>(null);

  const entries = POOL_OPTIONS.map((n) => poolEntry(schema.data?.options, n)).filter((o): o is OptionSchemaEntry => !!o);
  const request = (): SiteRequest => ({
    name: site.trim(),
    primary: { name: primary.name.trim(), host: primary.host.trim(), sipPort: Number(sipPort) },
    backup: { name: backup.name.trim(), host: backup.host.trim(), sipPort: Number(sipPort) },
    pool: {
      number: poolNumber.trim() || undefined,
      options: Object.fromEntries(
        Object.entries(pool)
          .filter(([, v]) => v !== undefined && v !== '')
          .map(([k, v]) => {
            const e = entries.find((x) => x.name === k);
            return [
              k,
              e && (e.type === 'int' || e.type === 'port') && /^\d+$/.test(String(v)) ? Number(v) : (v as string | number | boolean),
            ];
          }),
      ),
    },
    proxies: proxies.map((p) => ({
      name: p.name.trim(),
      host: p.host.trim(),
      sipPort: Number(p.sipPort),
      ...(p.httpPort !== '' ? { httpPort: p.httpPort } : {}),
    })),
  });
  const edited = () => {
    setPlan(null);
  };

  const preview = useMutation({
    mutationFn: () => sitesApi.create(request(), true),
    onSuccess: (res) => setPlan(res),
    onError: (e) => {
      const errs = locatedErrors(e);
      if (errs.length) setPlan({ plan: { site: site, objects: [], problems: [] }, errors: errs });
    },
  });
  const apply = useMutation({
    mutationFn: () => sitesApi.create(request(), false),
    onSuccess: (res) => {
      setApplied(res.result?.version ?? null);
      notifySuccess(`Site ${site.trim()} created`);
      void qc.invalidateQueries();
    },
    onError: (e) => {
      const errs = locatedErrors(e);
      if (errs.length && plan) setPlan({ ...plan, errors: errs });
    },
  });

  const required =
    [site, primary.name, primary.host, backup.name, backup.host].every((s) => s.trim()) &&
    sipPort !== '' &&
    proxies.every((p) => p.name.trim() && p.host.trim() && p.sipPort !== '');
  const fieldErrors = [
    nameError(site),
    nameError(primary.name),
    nameError(backup.name),
    nameError(poolNumber),
    portError(sipPort),
    ...proxies.flatMap((p) => [nameError(p.name), portError(p.sipPort), portError(p.httpPort)]),
    ...Object.values(invalid),
  ];
  const formOk = required && fieldErrors.every((e) => !e);
  const planOk = !!plan && plan.plan.problems.length === 0 && plan.errors.length === 0;
  const setProxy = (i: number, patch: Partial<ProxyForm>) => {
    setProxies((ps) => ps.map((p, j) => (j === i ? { ...p, ...patch } : p)));
    edited();
  };
  const num = (v: string | number) => (v === '' ? '' : Number(v));

  if (applied !== null) {
    return (
      <Page title="New site" description="The site is saved as one configuration version.">
        <Alert color="green" icon={<IconCircleCheck aria-hidden />} title="Applied" role="status">
          Site {site.trim()} saved as configuration version {applied}.{' '}
          <Anchor component={Link} to="/sites">
            Site map
          </Anchor>
          {' · '}
          <Anchor component={Link} to={`/switches/${encodeURIComponent(site.trim())}`}>
            Switch {site.trim()}
          </Anchor>
        </Alert>
        <AppliedPanel version={applied} />
      </Page>
    );
  }

  return (
    <Page title="New site" description="An HA pair, its switch, the proxy pool's VoIP Service DN and its proxies, in one reviewed change.">
      {!canEdit ? <ViewerNotice /> : null}
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="site-pair-title">
        <Stack gap="sm">
          <Title order={2} size="h4" id="site-pair-title">
            Site and SIP Server HA pair
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Site name"
              description="The switch"
              value={site}
              onChange={(e) => {
                setSite(e.currentTarget.value);
                edited();
              }}
              error={nameError(site)}
              required
              spellCheck={false}
            />
            <NumberInput
              label="SIP port"
              description="sip-port of both servers of the pair"
              value={sipPort}
              onChange={(v) => {
                setSipPort(num(v));
                edited();
              }}
              min={PORT.min}
              max={PORT.max}
              clampBehavior="none"
              allowDecimal={false}
              error={portError(sipPort)}
              required
            />
            <TextInput
              label="Primary SIP Server"
              value={primary.name}
              onChange={(e) => {
                setPrimary({ ...primary, name: e.currentTarget.value });
                edited();
              }}
              error={nameError(primary.name)}
              required
              spellCheck={false}
            />
            <TextInput
              label="Primary host"
              value={primary.host}
              onChange={(e) => {
                setPrimary({ ...primary, host: e.currentTarget.value });
                edited();
              }}
              required
              spellCheck={false}
            />
            <TextInput
              label="Backup SIP Server"
              value={backup.name}
              onChange={(e) => {
                setBackup({ ...backup, name: e.currentTarget.value });
                edited();
              }}
              error={nameError(backup.name)}
              required
              spellCheck={false}
            />
            <TextInput
              label="Backup host"
              value={backup.host}
              onChange={(e) => {
                setBackup({ ...backup, host: e.currentTarget.value });
                edited();
              }}
              required
              spellCheck={false}
            />
          </SimpleGrid>
        </Stack>
      </Paper>

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="site-pool-title">
        <Stack gap="sm">
          <Title order={2} size="h4" id="site-pool-title">
            Proxy pool VoIP Service DN
          </Title>
          <Text size="sm" c="dimmed">
            service-type is sip-outbound-proxy. Limits and defaults come from the option registry.
          </Text>
          <TextInput
            label="Pool DN number"
            value={poolNumber}
            onChange={(e) => {
              setPoolNumber(e.currentTarget.value);
              edited();
            }}
            error={nameError(poolNumber)}
            w={{ base: '100%', sm: 320 }}
            spellCheck={false}
          />
          {schema.isError ? (
            <Text c="red" size="sm">
              {errorMessage(schema.error)}
            </Text>
          ) : null}
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {entries.map((o) => (
              <OptionField
                key={o.name}
                option={o}
                value={pool[o.name]}
                onChange={(v) => {
                  setPool((p) => ({ ...p, [o.name]: v }));
                  edited();
                }}
                onValidate={(n, m) => setInvalid((x) => (x[`pool.${n}`] === m ? x : { ...x, [`pool.${n}`]: m }))}
                error={plan?.errors.find((e) => e.field === `options.TServer.${o.name}`)?.message}
                readOnly={!canEdit}
              />
            ))}
          </SimpleGrid>
        </Stack>
      </Paper>

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="site-proxies-title">
        <Stack gap="sm">
          <Title order={2} size="h4" id="site-proxies-title">
            SIP Proxy applications of the pool
          </Title>
          <Text size="sm" c="dimmed">
            Each serves the new pair and monitors every pair; existing proxies get the new pair added (after their restart).
          </Text>
          {proxies.map((p, i) => (
            <SimpleGrid key={i} cols={{ base: 1, sm: 2, lg: 5 }} role="group" aria-label={`Proxy ${i + 1}`}>
              <TextInput
                label="Proxy name"
                value={p.name}
                onChange={(e) => setProxy(i, { name: e.currentTarget.value })}
                error={nameError(p.name)}
                required
                spellCheck={false}
              />
              <TextInput
                label="Proxy host"
                value={p.host}
                onChange={(e) => setProxy(i, { host: e.currentTarget.value })}
                required
                spellCheck={false}
              />
              <NumberInput
                label="Proxy SIP port"
                value={p.sipPort}
                onChange={(v) => setProxy(i, { sipPort: num(v) })}
                min={PORT.min}
                max={PORT.max}
                clampBehavior="none"
                allowDecimal={false}
                error={portError(p.sipPort)}
                required
              />
              <NumberInput
                label="Proxy HTTP port"
                value={p.httpPort}
                onChange={(v) => setProxy(i, { httpPort: num(v) })}
                min={PORT.min}
                max={PORT.max}
                clampBehavior="none"
                allowDecimal={false}
                error={portError(p.httpPort)}
              />
              <Group align="flex-end">
                <Button
                  variant="subtle"
                  color="red"
                  leftSection={<IconTrash size={14} aria-hidden />}
                  aria-label={`Remove proxy ${i + 1}`}
                  onClick={() => {
                    setProxies((ps) => ps.filter((_, j) => j !== i));
                    edited();
                  }}
                >
                  Remove
                </Button>
              </Group>
            </SimpleGrid>
          ))}
          <Group>
            <Button
              variant="light"
              leftSection={<IconPlus size={14} aria-hidden />}
              onClick={() => {
                setProxies((ps) => [...ps, { name: '', host: '', sipPort: '', httpPort: '' }]);
                edited();
              }}
            >
              Add proxy
            </Button>
          </Group>
        </Stack>
      </Paper>

      {plan ? (
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="site-review-title">
          <Stack gap="sm">
            <Title order={2} size="h4" id="site-review-title">
              Review
            </Title>
            <SitePlanView plan={plan} schema={schema.data} />
          </Stack>
        </Paper>
      ) : null}
      {preview.isError && !plan ? (
        <Alert color="red" role="alert" title="Review failed">
          {errorMessage(preview.error)}
        </Alert>
      ) : null}
      {apply.isError && !locatedErrors(apply.error).length ? (
        <Alert color="red" role="alert" title="Not applied">
          {errorMessage(apply.error)}
        </Alert>
      ) : null}

      {canEdit ? (
        <Group justify="flex-end">
          <Button variant="default" onClick={() => preview.mutate()} disabled={!formOk} loading={preview.isPending}>
            Review
          </Button>
          <Button color="green" onClick={() => apply.mutate()} disabled={!planOk} loading={apply.isPending}>
            Create site
          </Button>
        </Group>
      ) : null}
    </Page>
  );
}
