import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Badge, Group, Stack } from '@mantine/core';
import type { Dn } from '../../api';
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
import { DNS_KEY, SWITCHES_KEY, switchesApi, useDn } from './api';

export function dnPatch(d: Dn, options: OptionSections): Record<string, unknown> | null {
  const patch = buildOptionsPatch(d.options, options);
  return patch ? { revision: d.revision, options: patch } : null;
}

/** "Delete DN": the shared dialog (a dry run first, then the delete with the revision read). */
function DeleteDn({ dn, onReload }: { dn: Dn; onReload: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  return (
    <DeleteDialog
      kind="dn"
      name={dn.number}
      noun="DN"
      references={[]}
      revision={dn.revision}
      send={(dryRun) => switchesApi.removeDn(dn.switch, dn.number, dn.revision, dryRun)}
      onDeleted={() => {
        navigate(`/switches/${encodeURIComponent(dn.switch)}`, { state: { skipGuard: true } });
        qc.removeQueries({ queryKey: [...DNS_KEY, 'one', dn.switch, dn.number] });
        void qc.invalidateQueries({ queryKey: DNS_KEY });
        void qc.invalidateQueries({ queryKey: SWITCHES_KEY });
      }}
      onReload={onReload}
    />
  );
}

export function DnDetailPage() {
  const { sw = '', number = '' } = useParams();
  const qc = useQueryClient();
  const canEdit = useCan('edit-config');
  const schema = useOptionSchema();
  const dn = useDn(sw, number);
  const [options, setOptions] = useState<OptionSections | null>(null);
  const [valid, setValid] = useState(true);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);

  // The server's copy whenever a fresh one arrives (set while rendering: state that follows the query's data).
  const [loaded, setLoaded] = useState<Dn | undefined>(undefined);
  if (dn.data !== loaded) {
    setLoaded(dn.data);
    if (dn.data) setOptions(toEditorOptions(dn.data.options));
  }

  const flow = useSaveFlow({
    kind: 'dn',
    name: `${sw}/${number}`,
    label: `DN ${number}`,
    buildBody: () => (dn.data && options ? dnPatch(dn.data, options) : null),
    send: (body, dryRun) => switchesApi.patchDn(sw, number, body, dryRun),
    onSaved: (res) => {
      setSavedVersion(res.version);
      void qc.invalidateQueries({ queryKey: DNS_KEY });
    },
    onReload: () => void dn.refetch(),
  });
  const d = dn.data;
  const dirty = !!(d && options && dnPatch(d, options));
  const leaveGuard = useUnsavedGuard(dirty && canEdit);

  return (
    <Page
      title={`DN ${number}`}
      description={`On switch ${sw}`}
      actions={
        d ? (
          <Group gap="sm">
            <Badge variant="light">{d.type}</Badge>
            {canEdit ? <DeleteDn dn={d} onReload={() => void dn.refetch()} /> : null}
          </Group>
        ) : null
      }
    >
      <Crumbs
        items={[{ label: 'Switches & DNs', to: '/switches' }, { label: sw, to: `/switches/${encodeURIComponent(sw)}` }, { label: number }]}
      />
      {dn.isPending || schema.isPending ? (
        <LoadingBlock label="Loading DN" />
      ) : dn.isError ? (
        <LoadError title="Could not load the DN" message={errorMessage(dn.error)} onRetry={() => void dn.refetch()} />
      ) : schema.isError ? (
        <LoadError title="Could not load the option schema" message={errorMessage(schema.error)} />
      ) : d && options ? (
        <Stack gap="md">
          {!canEdit ? <ViewerNotice /> : null}
          {flow.ui}
          {leaveGuard}
          {savedVersion !== null ? <AppliedPanel version={savedVersion} /> : null}
          <Section title="Options" id="dn-options-title">
            <OptionsEditor
              schema={schema.data}
              kind={d.type}
              value={options}
              onChange={setOptions}
              errors={flow.fieldErrors}
              errorPathPrefix="options"
              onValidityChange={setValid}
              readOnly={!canEdit}
            />
          </Section>
          <SaveBar
            canEdit={canEdit}
            dirty={dirty}
            valid={valid}
            busy={flow.busy}
            onReview={() => void flow.review()}
            onDiscard={() => {
              setOptions(toEditorOptions(d.options));
              flow.clearErrors();
            }}
          />
        </Stack>
      ) : null}
    </Page>
  );
}
