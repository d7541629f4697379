import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Center, Loader, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifySuccess } from '../../lib/notify';
import { useSipServers } from '../applications/api';
import { primaries } from '../../lib/references';
import { ChangesTable } from '../../components/config-edit/ChangesTable';
import { CommitProblems, ReviewFooter, useCommitDialog } from '../../components/config-edit/useCommitDialog';
import { SWITCHES_KEY, switchesApi } from './api';

/** "New switch": a site served by the primary of an HA pair; it starts empty (its sip-outbound-proxy DN comes first). */
export function NewSwitchModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [sipServer, setSipServer] = useState<string | null>(null);
  const servers = useSipServers(opened);
  const body = { name: name.trim(), sipServer: sipServer ?? '' };
  const flow = useCommitDialog({
    kind: 'switch',
    name: body.name,
    send: (dryRun) => switchesApi.create(body, dryRun),
    onDone: (res) => {
      notifySuccess(`Created switch ${body.name} as version ${res.version}`, 'Created');
      void qc.invalidateQueries({ queryKey: SWITCHES_KEY });
      close();
      navigate(`/switches/${encodeURIComponent(body.name)}`);
    },
  });
  const close = () => {
    setName('');
    setSipServer(null);
    flow.reset();
    onClose();
  };
  const edited = () => {
    if (flow.phase === 'review') flow.back();
  };
  const reviewing = flow.phase === 'review' || flow.phase === 'saving';
  const ready = !!body.name && !!sipServer;
  return (
    <Modal opened={opened} onClose={close} title="New switch" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (flow.phase === 'review') void flow.commit();
          else if (ready && flow.phase === 'idle') void flow.check();
        }}
      >
        <Stack>
          <TextInput
            label="Switch name"
            required
            value={name}
            disabled={reviewing}
            data-autofocus
            spellCheck={false}
            error={flow.fieldError('name')}
            onChange={(e) => {
              setName(e.currentTarget.value);
              edited();
            }}
          />
          <Select
            label="SIP Server (HA pair)"
            required
            description="The primary SIP Server of the HA pair that serves this site"
            placeholder={servers.isPending ? 'Loading…' : 'Choose a primary'}
            data={primaries(servers.data?.items ?? []).map((s) => ({
              value: s.name,
              label: s.backup ? `${s.name} (backup ${s.backup})` : s.name,
            }))}
            value={sipServer}
            onChange={(v) => {
              setSipServer(v);
              edited();
            }}
            searchable
            disabled={reviewing}
            error={flow.fieldError('sip-server')}
          />
          <Text size="xs" c="dimmed">
            The switch starts without DNs; add its sip-outbound-proxy VoIP Service DN first, then the others.
          </Text>
          <CommitProblems flow={flow} title="The configuration would not be valid; nothing was created" />
          {flow.phase === 'checking' ? (
            <Center py="sm">
              <Loader size="sm" aria-label="Checking the new switch" />
            </Center>
          ) : null}
          {reviewing && flow.preview ? <ChangesTable changes={flow.preview.changes} label="Pending changes" /> : null}
          <ReviewFooter flow={flow} reviewing={reviewing} ready={ready} onCancel={close} submitLabel="Create switch" />
        </Stack>
      </form>
    </Modal>
  );
}
