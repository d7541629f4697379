import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Center, Group, Loader, Modal, MultiSelect, NumberInput, Radio, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import type { NewApplication } from '../../api';
import { notifySuccess } from '../../lib/notify';
import { ChangesTable } from '../../components/config-edit/ChangesTable';
import { CommitProblems, ReviewFooter, useCommitDialog } from '../../components/config-edit/useCommitDialog';
import { SWITCHES_KEY, useSwitches } from '../switches/api';
import { APPLICATIONS_KEY, applicationsApi, useSipServers } from './api';
import { backupCandidates, primaries } from '../../lib/references';

type AppType = 'sip-proxy' | 'sip-server';
type Port = number | '';

interface Form {
  type: AppType;
  name: string;
  host: string;
  sipPort: Port;
  tlsPort: Port;
  httpPort: Port;
  backup: string | null;
  site: string | null;
  monitored: string[];
}

const EMPTY: Form = {
  type: 'sip-proxy',
  name: '',
  host: '',
  sipPort: '',
  tlsPort: '',
  httpPort: '',
  backup: null,
  site: null,
  monitored: [],
};

const portOk = (p: Port) => p === '' || (Number.isInteger(p) && p >= 1 && p <= 65535);

/** The POST body: what the configuration model requires of each type (a proxy: role 10, its site's pair, all pairs). */
export function newApplicationBody(f: Form, siteServer: string | undefined): NewApplication {
  const ports: Record<string, number> = {};
  if (f.sipPort !== '') ports['sip-port'] = f.sipPort;
  if (f.tlsPort !== '') ports['tls-port'] = f.tlsPort;
  if (f.type === 'sip-proxy' && f.httpPort !== '') ports['http-port'] = f.httpPort;
  const body: NewApplication = { name: f.name.trim(), type: f.type, host: f.host.trim(), ports, options: {} };
  if (f.type === 'sip-server') {
    if (f.backup) body.backup = f.backup;
  } else {
    const monitored = siteServer && !f.monitored.includes(siteServer) ? [...f.monitored, siteServer] : f.monitored;
    body.options = {
      sipproxy: {
        'sipproxy-role': 10,
        ...(monitored.length ? { applications: monitored.join(',') } : {}),
        ...(siteServer ? { 'servicing-sipserver': siteServer } : {}),
      },
    };
  }
  return body;
}

/** "New application": a SIP Proxy instance for a site, or a SIP Server (the primary of a pair names its backup). */
export function NewApplicationModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [form, setForm] = useState<Form>(EMPTY);
  const servers = useSipServers(opened);
  const switches = useSwitches(opened);
  const serverList = useMemo(() => servers.data?.items ?? [], [servers.data]);
  const sites = useMemo(() => (switches.data ?? []).filter((s) => s.sipServer), [switches.data]);
  const siteServer = sites.find((s) => s.name === form.site)?.sipServer ?? undefined;
  // Every proxy monitors every HA pair that serves a site (the guide); start from those.
  const pairsInService = useMemo(() => [...new Set(sites.map((s) => s.sipServer!))], [sites]);
  // Preselected when the dialog opens or the pairs arrive (set while rendering, not in an effect).
  const pairsKey = opened ? pairsInService.join(',') : '';
  const [pairsSeen, setPairsSeen] = useState('');
  if (pairsKey !== pairsSeen) {
    setPairsSeen(pairsKey);
    if (opened && form.monitored.length === 0 && pairsInService.length > 0) setForm((f) => ({ ...f, monitored: pairsInService }));
  }

  const body = newApplicationBody(form, siteServer);
  const flow = useCommitDialog({
    kind: 'application',
    name: body.name,
    send: (dryRun) => applicationsApi.create(body, dryRun),
    onDone: (res) => {
      notifySuccess(`Created ${form.type === 'sip-proxy' ? 'SIP Proxy' : 'SIP Server'} ${body.name} as version ${res.version}`, 'Created');
      void qc.invalidateQueries({ queryKey: APPLICATIONS_KEY });
      void qc.invalidateQueries({ queryKey: SWITCHES_KEY });
      close();
      navigate(`/applications/${encodeURIComponent(body.name)}`);
    },
  });
  const close = () => {
    setForm(EMPTY);
    flow.reset();
    onClose();
  };
  const set = (patch: Partial<Form>) => {
    setForm({ ...form, ...patch });
    if (flow.phase === 'review') flow.back();
  };

  const ready =
    !!form.name.trim() &&
    !!form.host.trim() &&
    form.sipPort !== '' &&
    [form.sipPort, form.tlsPort, form.httpPort].every(portOk) &&
    (form.type === 'sip-server' || !!form.site);
  const reviewing = flow.phase === 'review' || flow.phase === 'saving';
  const portField = (label: string, key: 'sipPort' | 'tlsPort' | 'httpPort', id: string, required = false) => (
    <NumberInput
      label={label}
      description={id}
      required={required}
      value={form[key]}
      min={1}
      max={65535}
      allowDecimal={false}
      allowNegative={false}
      disabled={reviewing}
      error={flow.fieldError(`ports.${id}`) ?? (portOk(form[key]) ? undefined : 'Must be between 1 and 65535')}
      onChange={(v) => set({ [key]: v === '' ? '' : Number(v) } as Partial<Form>)}
    />
  );

  return (
    <Modal opened={opened} onClose={close} title="New application" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (flow.phase === 'review') void flow.commit();
          else if (ready && flow.phase === 'idle') void flow.check();
        }}
      >
        <Stack>
          <Radio.Group label="Type" value={form.type} onChange={(v) => set({ type: v as AppType })}>
            <Group mt={4}>
              <Radio value="sip-proxy" label="SIP Proxy instance" disabled={reviewing} />
              <Radio value="sip-server" label="SIP Server" disabled={reviewing} />
            </Group>
          </Radio.Group>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Name"
              required
              value={form.name}
              disabled={reviewing}
              data-autofocus
              spellCheck={false}
              error={flow.fieldError('name')}
              onChange={(e) => set({ name: e.currentTarget.value })}
            />
            <TextInput
              label="Host"
              required
              value={form.host}
              disabled={reviewing}
              spellCheck={false}
              description="Address it runs on (an address of this machine runs as an embedded worker)"
              error={flow.fieldError('host')}
              onChange={(e) => set({ host: e.currentTarget.value })}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {portField('SIP port', 'sipPort', 'sip-port', true)}
            {portField('TLS port', 'tlsPort', 'tls-port')}
            {form.type === 'sip-proxy' ? portField('HTTP port', 'httpPort', 'http-port') : null}
          </SimpleGrid>
          {form.type === 'sip-server' ? (
            <Select
              label="Backup server"
              description="For the primary of an HA pair: create the backup first (same sip-port), then the primary naming it."
              placeholder="No backup (a backup itself, or a server without a pair)"
              data={backupCandidates(serverList).map((s) => s.name)}
              value={form.backup}
              onChange={(v) => set({ backup: v })}
              clearable
              searchable
              disabled={reviewing}
              error={flow.fieldError('backup')}
            />
          ) : (
            <>
              <Select
                label="Site"
                required
                description="The switch whose HA pair this proxy serves (servicing-sipserver)"
                placeholder={switches.isPending ? 'Loading…' : 'Choose a switch'}
                data={sites.map((s) => ({ value: s.name, label: `${s.name} (${s.sipServer})` }))}
                value={form.site}
                onChange={(v) => set({ site: v })}
                searchable
                disabled={reviewing}
                error={flow.fieldError('options.sipproxy.servicing-sipserver')}
              />
              <MultiSelect
                label="Monitored HA pairs"
                description="[sipproxy] applications: every primary SIP Server of the environment"
                data={primaries(serverList).map((s) => s.name)}
                value={form.monitored}
                onChange={(v) => set({ monitored: v })}
                searchable
                disabled={reviewing}
                error={flow.fieldError('options.sipproxy.applications')}
              />
              <Text size="xs" c="dimmed">
                Created with sipproxy-role 10 (standalone); set its other options on its page afterwards.
              </Text>
            </>
          )}
          <CommitProblems flow={flow} title="The configuration would not be valid; nothing was created" />
          {flow.phase === 'checking' ? (
            <Center py="sm">
              <Loader size="sm" aria-label="Checking the new application" />
            </Center>
          ) : null}
          {reviewing && flow.preview ? (
            <Stack gap={4}>
              <Text size="sm" c="dimmed">
                Checked by the control plane without saving. This is what will change:
              </Text>
              <ChangesTable changes={flow.preview.changes} label="Pending changes" />
            </Stack>
          ) : null}
          <ReviewFooter flow={flow} reviewing={reviewing} ready={ready} onCancel={close} submitLabel="Create application" />
        </Stack>
      </form>
    </Modal>
  );
}
