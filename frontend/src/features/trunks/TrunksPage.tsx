import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
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
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Stepper,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertCircle, IconCircleCheck } from '@tabler/icons-react';
import { locatedErrors, type OptionSchemaEntry, type ProvisionRequest, type ProvisionResponse, type TrunkLink } from '../../api';
import { DataTable, useClientTable, type DataTableColumn } from '../../components/DataTable';
import { EmptyPanel } from '../../components/EmptyPanel';
import { Page } from '../../components/Page';
import { StatusBadge, toServiceStatus } from '../../components/StatusBadge';
import { useCan } from '../auth/permissions';
import { errorMessage, notifySuccess } from '../../lib/notify';
import { useServiceState } from '../live/api';
import { PairStateBadge } from '../../components/PairStateBadge';
import { DNS_KEY, SWITCHES_KEY, useSwitches } from '../switches/api';
import { ViewerNotice } from '../../components/config-edit/OptionsFormLayout';
import { useOptionSchema } from '../options/api';
import { boundsOf, validateOptionValue } from '../../lib/options';
import { TRUNKS_KEY, trunksApi, useTrunkLinks } from './api';

const ACTION_COLOR: Record<string, string> = { create: 'green', update: 'blue', unchanged: 'gray', remove: 'red' };

/** Trunk options as the plan gives them: flat (`{ contact }`) or by section (`{ TServer: { contact } }`). */
function optionList(options: Record<string, unknown>) {
  const rows = Object.entries(options ?? {}).flatMap(([s, o]) =>
    o && typeof o === 'object' && !Array.isArray(o)
      ? Object.entries(o as Record<string, unknown>).map(([k, v]) => ({ s, k, v }))
      : [{ s: '', k: s, v: o }],
  );
  if (rows.length === 0)
    return (
      <Text size="xs" c="dimmed">
        no options
      </Text>
    );
  return (
    <Stack gap={2}>
      {rows.map((r) => (
        <Text key={`${r.s}.${r.k}`} size="xs" ff="monospace">
          {r.k} = <b>{String(r.v)}</b>
        </Text>
      ))}
    </Stack>
  );
}

/** What the provision dry run says it will do. */
export function PlanView({ plan }: { plan: ProvisionResponse }) {
  const errors = plan.errors ?? [];
  const problems = plan.plan?.problems ?? [];
  return (
    <Stack gap="sm" data-testid="trunk-plan">
      {problems.length > 0 || errors.length > 0 ? (
        <Alert color="red" role="alert" icon={<IconAlertCircle aria-hidden />} title="Validation problems: fix these before applying">
          <List size="sm" spacing={2}>
            {problems.map((p) => (
              <List.Item key={p}>{p}</List.Item>
            ))}
            {errors.map((e, i) => (
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
      {plan.plan.trunks.length === 0 ? (
        <Text c="dimmed" size="sm">
          No trunks to create or change.
        </Text>
      ) : (
        <Table aria-label="Planned trunks" striped fz="sm" verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Trunk DN</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Options</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {plan.plan.trunks.map((t) => (
              <Table.Tr key={t.number} data-trunk={t.number}>
                <Table.Td>
                  <Text size="sm" ff="monospace" fw={600}>
                    {t.number}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={ACTION_COLOR[t.action] ?? 'gray'}>
                    {t.action}
                  </Badge>
                </Table.Td>
                <Table.Td>{optionList(t.options)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

export function ProvisionWizard({ canEdit }: { canEdit: boolean }) {
  const qc = useQueryClient();
  const switches = useSwitches();
  const [step, setStep] = useState(0);
  const [local, setLocal] = useState<string | null>(null);
  const [remote, setRemote] = useState<string | null>(null);
  const [mode, setMode] = useState<'dns' | 'per-server'>('dns');
  const [contact, setContact] = useState('');
  const [tls, setTls] = useState(false);
  const [oosCheck, setOosCheck] = useState<number | ''>('');
  const [oosForce, setOosForce] = useState<number | ''>('');
  const [plan, setPlan] = useState<ProvisionResponse | null>(null);
  const [applied, setApplied] = useState<ProvisionResponse | null>(null);

  const names = (switches.data ?? []).map((s) => s.name);
  const request = (): ProvisionRequest => ({
    switch: local ?? '',
    remoteSwitch: remote ?? '',
    mode,
    contact: mode === 'dns' ? contact.trim() || undefined : undefined,
    tls: tls || undefined,
    oosCheck: oosCheck === '' ? undefined : oosCheck,
    oosForce: oosForce === '' ? undefined : oosForce,
  });

  const preview = useMutation({
    mutationFn: () => trunksApi.provision(request(), true),
    onSuccess: (res) => {
      setPlan(res);
      setStep(2);
    },
    onError: (e) => {
      const errs = locatedErrors(e);
      const body = (e as { body?: Partial<ProvisionResponse> }).body;
      if (body?.plan) {
        setPlan({ plan: body.plan, errors: errs });
        setStep(2);
      } else if (errs.length) {
        setPlan({ plan: { trunks: [], problems: [] }, errors: errs });
        setStep(2);
      }
    },
  });
  const apply = useMutation({
    mutationFn: () => trunksApi.provision(request(), false),
    onSuccess: (res) => {
      setApplied(res);
      setStep(3);
      notifySuccess(`Trunks provisioned between ${local} and ${remote}`);
      void qc.invalidateQueries({ queryKey: TRUNKS_KEY });
      void qc.invalidateQueries({ queryKey: DNS_KEY });
      void qc.invalidateQueries({ queryKey: SWITCHES_KEY });
    },
    onError: (e) => {
      const errs = locatedErrors(e);
      if (errs.length && plan) setPlan({ ...plan, errors: errs });
    },
  });

  const fqdnError =
    mode === 'dns' &&
    contact.trim() &&
    !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+(:\d{1,5})?$/.test(contact.trim())
      ? 'Enter a fully qualified domain name, e.g. sipserver.site-b.example'
      : null;
  // Limits from the server's registry (trunk [TServer] entries, mandatoryMin applied: these are multi-site trunks,
  // where the options are mandatory), never a copy: the wizard refuses what the server refuses.
  const schema = useOptionSchema();
  const trunkOption = (name: string): OptionSchemaEntry | undefined =>
    schema.data?.options.find((o) => o.name === name && o.section === 'TServer' && (o.objects ?? []).includes('trunk'));
  const oosCheckDef = trunkOption('oos-check');
  const oosForceDef = trunkOption('oos-force');
  const mandatory = { mandatory: true };
  const oosCheckBounds = oosCheckDef ? boundsOf(oosCheckDef, mandatory) : {};
  const oosForceBounds = oosForceDef ? boundsOf(oosForceDef, mandatory) : {};
  const oosCheckError = oosCheckDef && oosCheck !== '' ? validateOptionValue(oosCheckDef, oosCheck, mandatory) : null;
  const oosForceError = oosForceDef && oosForce !== '' ? validateOptionValue(oosForceDef, oosForce, mandatory) : null;
  const step0ok = !!local && !!remote && local !== remote;
  const step1ok = !fqdnError && !oosCheckError && !oosForceError;
  const planOk = !!plan && (plan.plan.problems?.length ?? 0) === 0 && (plan.errors?.length ?? 0) === 0;

  const reset = () => {
    setStep(0);
    setPlan(null);
    setApplied(null);
    preview.reset();
    apply.reset();
  };

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="provision-title">
      <Stack gap="md">
        <Title order={2} size="h4" id="provision-title">
          Provision a multi-site trunk
        </Title>
        <Stepper active={step} onStepClick={(s) => s < step && step < 3 && setStep(s)} size="sm" allowNextStepsSelect={false}>
          <Stepper.Step label="Sites" description="Local and remote">
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="md">
              <Select
                label="Local switch"
                placeholder="Pick the site that gets the trunks"
                data={names}
                value={local}
                onChange={(v) => {
                  setLocal(v);
                  if (v === remote) setRemote(null);
                }}
                disabled={switches.isPending}
              />
              <Select
                label="Remote site"
                placeholder="Pick the site to reach"
                data={names.filter((n) => n !== local)}
                value={remote}
                onChange={setRemote}
                disabled={switches.isPending}
              />
            </SimpleGrid>
            {switches.isError ? (
              <Text c="red" size="sm" mt="xs">
                {errorMessage(switches.error)}
              </Text>
            ) : null}
          </Stepper.Step>
          <Stepper.Step label="Mode" description="How to reach the remote pair">
            <Stack mt="md" gap="md">
              <Radio.Group label="Mode" value={mode} onChange={(v) => setMode(v as 'dns' | 'per-server')}>
                <Stack gap="xs" mt={6}>
                  <Radio value="dns" label="DNS resolution: one trunk with an FQDN contact" />
                  <Radio value="per-server" label="One trunk per server of the remote HA pair" />
                </Stack>
              </Radio.Group>
              {mode === 'dns' ? (
                <TextInput
                  label="Remote FQDN contact"
                  description="Resolved by DNS to the remote HA pair (leave empty to use the remote site's configuration)"
                  placeholder="sipserver.site-b.example"
                  value={contact}
                  onChange={(e) => setContact(e.currentTarget.value)}
                  error={fqdnError}
                  w={{ base: '100%', sm: 420 }}
                  spellCheck={false}
                />
              ) : null}
              <Switch label="Use TLS" checked={tls} onChange={(e) => setTls(e.currentTarget.checked)} />
              <Group>
                <NumberInput
                  label="OOS check interval"
                  description="oos-check, seconds (optional)"
                  value={oosCheck}
                  onChange={(v) => setOosCheck(v === '' ? '' : Number(v))}
                  min={oosCheckBounds.min}
                  max={oosCheckBounds.max}
                  clampBehavior="none"
                  error={oosCheckError}
                  allowDecimal={false}
                  w={200}
                />
                <NumberInput
                  label="OOS force interval"
                  description="oos-force, seconds (optional)"
                  value={oosForce}
                  onChange={(v) => setOosForce(v === '' ? '' : Number(v))}
                  min={oosForceBounds.min}
                  max={oosForceBounds.max}
                  clampBehavior="none"
                  error={oosForceError}
                  allowDecimal={false}
                  w={200}
                />
              </Group>
            </Stack>
          </Stepper.Step>
          <Stepper.Step label="Preview" description="Check what changes">
            <Stack mt="md">{plan ? <PlanView plan={plan} /> : null}</Stack>
          </Stepper.Step>
          <Stepper.Completed>
            <Alert color="green" icon={<IconCircleCheck aria-hidden />} mt="md" title="Applied" role="status">
              {applied?.result ? `Saved as configuration version ${applied.result.version}.` : 'Applied.'} Re-running the same provisioning
              changes nothing.
            </Alert>
          </Stepper.Completed>
        </Stepper>

        {preview.isError && !plan ? (
          <Alert color="red" role="alert" title="Preview failed">
            {errorMessage(preview.error)}
          </Alert>
        ) : null}
        {apply.isError && !locatedErrors(apply.error).length ? (
          <Alert color="red" role="alert" title="Not applied">
            {errorMessage(apply.error)}
          </Alert>
        ) : null}

        <Group justify="space-between">
          <Button variant="default" onClick={() => (step === 3 ? reset() : setStep(Math.max(0, step - 1)))} disabled={step === 0}>
            {step === 3 ? 'Start over' : 'Back'}
          </Button>
          {step === 0 ? (
            <Button onClick={() => setStep(1)} disabled={!step0ok}>
              Next
            </Button>
          ) : step === 1 ? (
            <Button onClick={() => preview.mutate()} disabled={!step1ok} loading={preview.isPending}>
              Preview
            </Button>
          ) : step === 2 ? (
            canEdit ? (
              <Button onClick={() => apply.mutate()} disabled={!planOk} loading={apply.isPending} color="green">
                Apply
              </Button>
            ) : (
              <Text size="sm" c="dimmed">
                Your role cannot apply changes.
              </Text>
            )
          ) : null}
        </Group>
      </Stack>
    </Paper>
  );
}

function LinksTable() {
  const trunks = useTrunkLinks();
  const switches = useSwitches();
  const state = useServiceState();
  const remotePair = (t: TrunkLink) => {
    const sw = switches.data?.find((s) => s.name === t.remoteSwitch);
    return state.data?.pairs.find((p) => p.name === sw?.sipServer);
  };
  const columns: DataTableColumn<TrunkLink>[] = [
    { key: 'switch', header: 'Local switch', value: (t) => t.switch, sortable: true },
    {
      key: 'number',
      header: 'Trunk DN',
      value: (t) => t.number,
      sortable: true,
      render: (t) => (
        <Anchor
          component={Link}
          to={`/switches/${encodeURIComponent(t.switch)}/dns/${encodeURIComponent(t.number)}`}
          ff="monospace"
          size="sm"
          title={t.number}
          style={{ overflowWrap: 'anywhere' }}
        >
          {t.number}
        </Anchor>
      ),
    },
    { key: 'remoteSwitch', header: 'Remote site', value: (t) => t.remoteSwitch, sortable: true },
    {
      key: 'mode',
      header: 'Mode',
      value: (t) => t.mode,
      render: (t) => (
        <Badge size="sm" variant="light" color={t.mode === 'dns' ? 'grape' : 'cyan'}>
          {t.mode === 'dns' ? 'DNS' : 'per server'}
        </Badge>
      ),
    },
    { key: 'contact', header: 'Contact', value: (t) => t.contact, render: (t) => <Code>{t.contact}</Code>, visibleFrom: 'md' },
    {
      key: 'peer',
      header: 'Peer proxy',
      value: (t) => t.peerProxyContact,
      render: (t) => (
        <Text size="xs" ff="monospace">
          {t.peerProxyContact} ({t.peerProxyProtocol})
        </Text>
      ),
      visibleFrom: 'xl',
    },
    {
      key: 'state',
      header: 'Remote pair',
      value: (t) => remotePair(t)?.state ?? 'unknown',
      render: (t) => {
        const p = remotePair(t);
        return p ? <PairStateBadge state={p.state} /> : <StatusBadge status={toServiceStatus('unknown')} size="sm" />;
      },
    },
  ];
  const table = useClientTable(trunks.data ?? [], columns, { pageSize: 25 });
  return (
    <Stack gap="xs" component="section" aria-labelledby="links-title">
      <Title order={2} size="h4" id="links-title">
        Existing links
      </Title>
      <DataTable
        label="Multi-site links"
        columns={columns}
        getRowId={(t) => `${t.switch}/${t.number}`}
        {...table}
        loading={trunks.isPending}
        error={trunks.isError ? errorMessage(trunks.error) : undefined}
        searchPlaceholder="Search links"
        empty={<EmptyPanel title="No multi-site trunks" description="Provision one with the guided flow above." />}
      />
    </Stack>
  );
}

export function TrunksPage() {
  const canEdit = useCan('edit-config');
  return (
    <Page title="Multi-site trunks" description="Trunks between sites: DNS-resolution mode, or one trunk per server of the remote pair.">
      {!canEdit ? <ViewerNotice /> : null}
      <ProvisionWizard canEdit={canEdit} />
      <LinksTable />
    </Page>
  );
}
