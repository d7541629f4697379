import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Center, Loader, Modal, Select, Stack, TextInput } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { OptionsEditor, type OptionSections } from '../../components/OptionsEditor';
import { notifySuccess } from '../../lib/notify';
import { ChangesTable } from '../../components/config-edit/ChangesTable';
import { buildOptionsPatch } from '../../components/config-edit/optionsPatch';
import { CommitProblems, ReviewFooter, useCommitDialog } from '../../components/config-edit/useCommitDialog';
import { useOptionSchema } from '../options/api';
import { DNS_KEY, SWITCHES_KEY, switchesApi } from './api';

export const DN_TYPES = [
  { value: 'voip-service', label: 'VoIP Service' },
  { value: 'trunk', label: 'Trunk' },
  { value: 'extension', label: 'Extension' },
];

/** The service-type that marks the DN describing a switch's proxy pool (the guide's sip-outbound-proxy DN). */
export const OUTBOUND_PROXY = 'sip-outbound-proxy';
/** What the server requires on that DN (contracts/validation.ts checkOutboundDn), named so the dialog can say it. */
const POOL_DN_OPTIONS = ['contact', 'external-contact', 'oos-check', 'oos-force'];

/**
 * "New DN": number, type and the options the DN needs, generated from the option registry (the same OptionsEditor,
 * validation and review as editing a DN), committed through the create dialogs' path: dry run, diff, then save.
 * A switch without its sip-outbound-proxy VoIP Service DN gets that one proposed first (the server refuses any other).
 */
export function NewDnModal({ sw, opened, onClose }: { sw: string; opened: boolean; onClose: () => void }) {
  const services = useQuery({
    queryKey: [...DNS_KEY, sw, 'voip-service'],
    queryFn: () => switchesApi.dns(sw, { type: 'voip-service', pageSize: 100 }),
    enabled: opened,
  });
  const needsPoolDn =
    services.isSuccess && !(services.data.items ?? []).some((d) => d.options?.TServer?.['service-type'] === OUTBOUND_PROXY);
  return (
    <Modal opened={opened} onClose={onClose} title={`New DN on ${sw}`} size="xl">
      {services.isSuccess ? (
        // Mounted per opening, once we know whether the switch lacks its pool DN: the form starts from that.
        <NewDnForm sw={sw} needsPoolDn={needsPoolDn} onClose={onClose} />
      ) : (
        <Center py="sm">
          <Loader size="sm" aria-label="Loading the switch's DNs" />
        </Center>
      )}
    </Modal>
  );
}

function NewDnForm({ sw, needsPoolDn, onClose }: { sw: string; needsPoolDn: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const schema = useOptionSchema();
  const [number, setNumber] = useState('');
  const [type, setType] = useState<string>(needsPoolDn ? 'voip-service' : 'extension');
  const [options, setOptions] = useState<OptionSections>(needsPoolDn ? { TServer: { 'service-type': OUTBOUND_PROXY } } : {});
  const [valid, setValid] = useState(true);
  const body = { number: number.trim(), type, options: buildOptionsPatch(undefined, options) ?? {} };
  const flow = useCommitDialog({
    kind: 'dn',
    name: `${sw}/${body.number}`,
    send: (dryRun) => switchesApi.createDn(sw, body, dryRun),
    onDone: (res) => {
      notifySuccess(`Created DN ${body.number} on ${sw} as version ${res.version}`, 'Created');
      void qc.invalidateQueries({ queryKey: DNS_KEY });
      void qc.invalidateQueries({ queryKey: SWITCHES_KEY });
      const to = `/switches/${encodeURIComponent(sw)}/dns/${encodeURIComponent(body.number)}`;
      close();
      navigate(to);
    },
  });
  const close = () => {
    flow.reset();
    onClose();
  };
  const edited = () => {
    if (flow.phase === 'review') flow.back();
  };
  const reviewing = flow.phase === 'review' || flow.phase === 'saving';
  const ready = !!body.number && valid;
  // The server's errors on this DN's options land on their fields (paths `options.<section>.<name>`).
  const fieldErrors = flow.mine.map((e) => ({ path: e.field!, message: e.message }));
  const isPoolDn = type === 'voip-service' && options.TServer?.['service-type'] === OUTBOUND_PROXY;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (flow.phase === 'review') void flow.commit();
        else if (ready && flow.phase === 'idle') void flow.check();
      }}
    >
      <Stack>
        {needsPoolDn ? (
          <Alert color="blue" icon={<IconInfoCircle aria-hidden />} data-testid="pool-dn-notice">
            {sw} has no sip-outbound-proxy DN yet: its first DN must be the VoIP Service DN describing its proxy pool, with [TServer]
            service-type {OUTBOUND_PROXY}, {POOL_DN_OPTIONS.join(', ')}.
          </Alert>
        ) : null}
        <TextInput
          label="DN number"
          required
          value={number}
          disabled={reviewing}
          data-autofocus
          spellCheck={false}
          error={flow.fieldError('number')}
          onChange={(e) => {
            setNumber(e.currentTarget.value);
            edited();
          }}
        />
        <Select
          label="DN type"
          data={DN_TYPES}
          value={type}
          disabled={reviewing}
          onChange={(v) => {
            setType(v ?? 'extension');
            // Options of one type mean nothing on another: start over.
            setOptions(v === 'voip-service' && needsPoolDn ? { TServer: { 'service-type': OUTBOUND_PROXY } } : {});
            edited();
          }}
          allowDeselect={false}
        />
        {schema.data ? (
          <OptionsEditor
            key={type}
            schema={schema.data}
            kind={type}
            value={options}
            onChange={(next) => {
              setOptions(next);
              edited();
            }}
            errors={fieldErrors}
            errorPathPrefix="options"
            onValidityChange={setValid}
            readOnly={reviewing}
            firstOptions={isPoolDn ? ['service-type', ...POOL_DN_OPTIONS] : undefined}
          />
        ) : (
          <Center py="sm">
            <Loader size="sm" aria-label="Loading the option schema" />
          </Center>
        )}
        <CommitProblems flow={flow} title="The configuration would not be valid; nothing was created" />
        {flow.phase === 'checking' ? (
          <Center py="sm">
            <Loader size="sm" aria-label="Checking the new DN" />
          </Center>
        ) : null}
        {reviewing && flow.preview ? <ChangesTable changes={flow.preview.changes} label="Pending changes" schema={schema.data} /> : null}
        <ReviewFooter flow={flow} reviewing={reviewing} ready={ready} onCancel={close} submitLabel="Create DN" />
      </Stack>
    </form>
  );
}
