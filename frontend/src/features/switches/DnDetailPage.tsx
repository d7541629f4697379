import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { configApi, type Dn } from '../../api/config';
import { OptionsEditor, type OptionSections } from '../../components/OptionsEditor';
import { Page } from '../../components/Page';
import { useCan } from '../auth/permissions';
import { useOptionSchema } from '../options/useOptionSchema';
import { errorMessage, notifyError, notifySuccess } from '../../lib/notify';
import { AppliedPanel } from '../config-edit/AppliedPanel';
import { buildOptionsPatch, toEditorOptions } from '../config-edit/optionsPatch';
import { Crumbs, LoadError, LoadingBlock, SaveBar, Section, ViewerNotice } from '../config-edit/OptionsFormLayout';
import { useSaveFlow } from '../config-edit/useSaveFlow';
import { useUnsavedGuard } from '../config-edit/useUnsavedGuard';
import { DNS_KEY, SWITCHES_KEY } from './SwitchesPage';

export function dnPatch(d: Dn, options: OptionSections): Record<string, unknown> | null {
  const patch = buildOptionsPatch(d.options, options);
  return patch ? { revision: d.revision, options: patch } : null;
}

function DeleteDn({ dn }: { dn: Dn }) {
  const [open, setOpen] = useState(false);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const del = useMutation({
    mutationFn: () => configApi.deleteDn(dn.switch, dn.number, dn.revision),
    onSuccess: () => {
      notifySuccess(`DN ${dn.number} deleted from ${dn.switch}`);
      void qc.invalidateQueries({ queryKey: DNS_KEY });
      void qc.invalidateQueries({ queryKey: SWITCHES_KEY });
      navigate(`/switches/${encodeURIComponent(dn.switch)}`, { state: { skipGuard: true } });
    },
    onError: (e) => notifyError(e, 'Could not delete'),
  });
  return (
    <>
      <Button color="red" variant="light" leftSection={<IconTrash size={16} aria-hidden />} onClick={() => setOpen(true)}>
        Delete DN
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Delete DN ${dn.number}?`}>
        <Stack>
          <Text size="sm">
            DN <b>{dn.number}</b> and its options are removed from switch {dn.switch}. You can roll back to the previous
            version from Versions.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button color="red" onClick={() => del.mutate()} loading={del.isPending}>
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

export function DnDetailPage() {
  const { sw = '', number = '' } = useParams();
  const qc = useQueryClient();
  const canEdit = useCan('edit-config');
  const schema = useOptionSchema();
  const dn = useQuery({ queryKey: [...DNS_KEY, 'one', sw, number], queryFn: () => configApi.dn(sw, number) });
  const [options, setOptions] = useState<OptionSections | null>(null);
  const [valid, setValid] = useState(true);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);

  useEffect(() => {
    if (dn.data) setOptions(toEditorOptions(dn.data.options));
  }, [dn.data]);

  const flow = useSaveFlow({
    kind: 'dn',
    name: `${sw}/${number}`,
    label: `DN ${number}`,
    buildBody: () => (dn.data && options ? dnPatch(dn.data, options) : null),
    send: (body, dryRun) => configApi.patchDn(sw, number, body, dryRun),
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
            {canEdit ? <DeleteDn dn={d} /> : null}
          </Group>
        ) : null
      }
    >
      <Crumbs
        items={[
          { label: 'Switches & DNs', to: '/switches' },
          { label: sw, to: `/switches/${encodeURIComponent(sw)}` },
          { label: number },
        ]}
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
