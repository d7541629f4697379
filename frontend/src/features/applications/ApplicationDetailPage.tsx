import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, NumberInput, SimpleGrid, Stack, TextInput } from '@mantine/core';
import type { Application } from '../../api';
import { OptionsEditor, type OptionSections } from '../../components/OptionsEditor';
import { Page } from '../../components/Page';
import { useCan } from '../auth/permissions';
import { useOptionSchema } from '../options/api';
import { errorMessage } from '../../lib/notify';
import { AppliedPanel } from '../../components/config-edit/AppliedPanel';
import { buildOptionsPatch, toEditorOptions } from '../../components/config-edit/optionsPatch';
import { Crumbs, LoadError, LoadingBlock, SaveBar, Section, ViewerNotice } from '../../components/config-edit/OptionsFormLayout';
import { useSaveFlow } from '../../components/config-edit/useSaveFlow';
import { useUnsavedGuard } from '../../components/config-edit/useUnsavedGuard';
import { DeleteDialog } from '../../components/config-edit/DeleteDialog';
import { SWITCHES_KEY, useSwitches } from '../switches/api';
import { APPLICATIONS_KEY, applicationsApi, useAllApplications, useApplication, useSipServers } from './api';
import { applicationReferences, backupCandidates, primaries } from '../../lib/references';
import { WorkerTokensSection } from './WorkerTokensSection';
import { ApplicationAdminStateSection, ServerAdminStateControl } from '../../components/AdminStateControls';

const PORTS: { id: string; label: string }[] = [
  { id: 'sip-port', label: 'SIP port' },
  { id: 'http-port', label: 'HTTP port' },
  { id: 'tls-port', label: 'TLS port' },
];

interface FormState {
  host: string;
  ports: Record<string, number | ''>;
  backup: string;
  options: OptionSections;
}

function fromApp(a: Application): FormState {
  const ports: Record<string, number | ''> = {};
  for (const p of PORTS) ports[p.id] = a.ports?.[p.id] ?? '';
  for (const [k, v] of Object.entries(a.ports ?? {})) ports[k] = v;
  return { host: a.host ?? '', ports, backup: a.backup ?? '', options: toEditorOptions(a.options) };
}

/** The PATCH body for what changed, or null. */
export function applicationPatch(a: Application, f: FormState): Record<string, unknown> | null {
  const body: Record<string, unknown> = {};
  if (f.host.trim() !== (a.host ?? '')) body.host = f.host.trim() || null;
  const ports: Record<string, number> = {};
  for (const [k, v] of Object.entries(f.ports)) if (v !== '' && v !== undefined) ports[k] = Number(v);
  if (JSON.stringify(ports) !== JSON.stringify(Object.fromEntries(Object.entries(a.ports ?? {})))) {
    const sorted = (o: Record<string, number>) =>
      JSON.stringify(
        Object.keys(o)
          .sort()
          .map((k) => [k, o[k]]),
      );
    if (sorted(ports) !== sorted(a.ports ?? {})) body.ports = ports;
  }
  if (f.backup.trim() !== (a.backup ?? '')) body.backup = f.backup.trim() || null;
  const options = buildOptionsPatch(a.options, f.options);
  if (options) body.options = options;
  if (Object.keys(body).length === 0) return null;
  return { revision: a.revision, ...body };
}

/** "Delete application": what names it (from the lists), then the server's dry run and the delete with the revision. */
function DeleteApplication({ app, onReload }: { app: Application; onReload: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const all = useAllApplications();
  const switches = useSwitches();
  const references = all.data && switches.data ? applicationReferences(app.name, all.data.items, switches.data) : undefined;
  return (
    <DeleteDialog
      kind="application"
      name={app.name}
      noun="application"
      references={references}
      revision={app.revision}
      send={(dryRun) => applicationsApi.remove(app.name, app.revision, dryRun)}
      onDeleted={() => {
        navigate('/applications', { state: { skipGuard: true } });
        qc.removeQueries({ queryKey: [...APPLICATIONS_KEY, 'one', app.name] });
        void qc.invalidateQueries({ queryKey: APPLICATIONS_KEY });
        void qc.invalidateQueries({ queryKey: SWITCHES_KEY });
      }}
      onReload={onReload}
    />
  );
}

function portsValid(f: FormState | null): boolean {
  if (!f) return true;
  return Object.values(f.ports).every((v) => v === '' || (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 65535));
}

/** The running worker's tools for this proxy (operators and admins, as the API allows): each page opens on it. */
function ProxyTools({ app }: { app: string }) {
  const q = `?app=${encodeURIComponent(app)}`;
  return (
    <Group component="nav" aria-label={`Tools for ${app}`} gap="xs" wrap="wrap">
      <Button component={Link} to={`/route-preview${q}`} variant="light" size="xs">
        Route preview
      </Button>
      <Button component={Link} to={`/connections${q}`} variant="light" size="xs">
        Connections
      </Button>
      <Button component={Link} to={`/trace${q}`} variant="light" size="xs">
        SIP trace
      </Button>
    </Group>
  );
}

export function ApplicationDetailPage() {
  const { name = '' } = useParams();
  const qc = useQueryClient();
  const canEdit = useCan('edit-config');
  const canManageWorkers = useCan('manage-workers');
  const schema = useOptionSchema();
  const app = useApplication(name);
  // Known SIP Servers, offered where a name is typed (monitored pairs, the pair this proxy serves, a backup).
  const servers = useSipServers();
  const serverList = servers.data?.items ?? [];
  const primaryNames = primaries(serverList).map((s) => s.name);
  const backupNames = backupCandidates(serverList)
    .filter((s) => s.name !== name)
    .map((s) => s.name);
  const [form, setForm] = useState<FormState | null>(null);
  const [valid, setValid] = useState(true);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);

  // Take the server's copy whenever a fresh one arrives (first load, reload after a conflict, after saving): set
  // while rendering, React's pattern for state that follows a prop, rather than an effect's extra render.
  const [loaded, setLoaded] = useState<Application | undefined>(undefined);
  if (app.data !== loaded) {
    setLoaded(app.data);
    if (app.data) setForm(fromApp(app.data));
  }

  const flow = useSaveFlow({
    kind: 'application',
    name,
    label: `application ${name}`,
    buildBody: () => (app.data && form ? applicationPatch(app.data, form) : null),
    send: (body, dryRun) => applicationsApi.patch(name, body, dryRun),
    onSaved: (res) => {
      setSavedVersion(res.version);
      void qc.invalidateQueries({ queryKey: APPLICATIONS_KEY });
    },
    onReload: () => void app.refetch(),
  });

  const dirty = !!(app.data && form && applicationPatch(app.data, form));
  const leaveGuard = useUnsavedGuard(dirty && canEdit);
  const title = name;
  const a = app.data;

  return (
    <Page
      title={title}
      description={a ? (a.type === 'sip-proxy' ? 'SIP Proxy instance' : 'SIP Server') : 'Application'}
      actions={
        a ? (
          <Group gap="sm">
            <Badge variant="light">{a.type}</Badge>
            {canEdit ? <DeleteApplication app={a} onReload={() => void app.refetch()} /> : null}
          </Group>
        ) : null
      }
    >
      <Crumbs items={[{ label: 'Applications', to: '/applications' }, { label: name }]} />
      {app.isPending || schema.isPending ? (
        <LoadingBlock label="Loading application" />
      ) : app.isError ? (
        <LoadError title="Could not load the application" message={errorMessage(app.error)} onRetry={() => void app.refetch()} />
      ) : schema.isError ? (
        <LoadError title="Could not load the option schema" message={errorMessage(schema.error)} onRetry={() => void schema.refetch()} />
      ) : a && form ? (
        <Stack gap="md">
          {!canEdit ? <ViewerNotice /> : null}
          {flow.ui}
          {leaveGuard}
          {savedVersion !== null ? <AppliedPanel version={savedVersion} /> : null}
          {a.type === 'sip-proxy' ? <ApplicationAdminStateSection app={a.name} /> : null}
          {a.type === 'sip-proxy' && canEdit ? <ProxyTools app={a.name} /> : null}
          {a.type === 'sip-server' ? (
            <Section title="Administrative state" id="server-admin-state-title">
              <ServerAdminStateControl server={a.name} />
            </Section>
          ) : null}
          <Section title="Server info" id="server-info-title">
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
              <TextInput
                label="Host"
                value={form.host}
                readOnly={!canEdit}
                error={flow.fieldError('host')}
                onChange={(e) => setForm({ ...form, host: e.currentTarget.value })}
                spellCheck={false}
              />
              {PORTS.map((p) => (
                <NumberInput
                  key={p.id}
                  label={p.label}
                  description={p.id}
                  value={form.ports[p.id] ?? ''}
                  readOnly={!canEdit}
                  min={1}
                  max={65535}
                  allowDecimal={false}
                  allowNegative={false}
                  error={
                    flow.fieldError(`ports.${p.id}`) ??
                    (form.ports[p.id] !== '' && (Number(form.ports[p.id]) < 1 || Number(form.ports[p.id]) > 65535)
                      ? 'Must be between 1 and 65535'
                      : undefined)
                  }
                  onChange={(v) => setForm({ ...form, ports: { ...form.ports, [p.id]: v === '' ? '' : Number(v) } })}
                />
              ))}
            </SimpleGrid>
            {a.type === 'sip-server' ? (
              <Group>
                <TextInput
                  label="Backup server"
                  description="The backup of this HA pair (primary only)"
                  list="backup-server-suggestions"
                  rightSection={
                    <datalist id="backup-server-suggestions">
                      {backupNames.map((b) => (
                        <option key={b} value={b} />
                      ))}
                    </datalist>
                  }
                  value={form.backup}
                  readOnly={!canEdit}
                  error={flow.fieldError('backup')}
                  onChange={(e) => setForm({ ...form, backup: e.currentTarget.value })}
                  w={{ base: '100%', sm: 320 }}
                />
              </Group>
            ) : null}
          </Section>
          <Section title="Options" id="options-title">
            <OptionsEditor
              schema={schema.data}
              kind={a.type}
              value={form.options}
              onChange={(options) => setForm({ ...form, options })}
              errors={flow.fieldErrors}
              errorPathPrefix="options"
              onValidityChange={setValid}
              readOnly={!canEdit}
              suggestions={{ 'sipproxy.applications': primaryNames, 'sipproxy.servicing-sipserver': primaryNames }}
            />
          </Section>
          <SaveBar
            canEdit={canEdit}
            dirty={dirty}
            valid={valid && portsValid(form)}
            busy={flow.busy}
            onReview={() => void flow.review()}
            onDiscard={() => {
              setForm(fromApp(a));
              flow.clearErrors();
            }}
          />
          {a.type === 'sip-proxy' && canManageWorkers ? <WorkerTokensSection app={a.name} /> : null}
        </Stack>
      ) : null}
    </Page>
  );
}
