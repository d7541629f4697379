import { useEffect, useState } from 'react';
import { Button, Center, Group, List, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import type { CommitResult, ObjectKind } from '../../api';
import { notifySuccess } from '../../lib/notify';
import { CommitProblems, useCommitDialog } from './useCommitDialog';

export interface DeleteDialogProps {
  kind: ObjectKind;
  name: string;
  /** "application", "switch": the words of the button, the dialog and the messages. */
  noun: string;
  /** What names the object, in words (computed from the lists); undefined while they load. */
  references: string[] | undefined;
  /** The object's revision as read: a change since makes the delete a 409. */
  revision: number;
  send: (dryRun: boolean) => Promise<CommitResult>;
  onDeleted: (result: CommitResult) => void;
  onReload: () => void;
}

/**
 * "Delete <noun>" with a confirm dialog that lists what references the object and, from a dry run of the delete,
 * the server's validation errors when deleting it would break the configuration (Delete stays off then).
 */
export function DeleteDialog({ kind, name, noun, references, revision, send, onDeleted, onReload }: DeleteDialogProps) {
  const [open, setOpen] = useState(false);
  const flow = useCommitDialog({
    kind,
    name,
    send,
    onDone: (res) => {
      notifySuccess(`Deleted ${noun} ${name} (version ${res.version})`, 'Deleted');
      setOpen(false);
      onDeleted(res);
    },
  });
  const { check, reset } = flow;
  // Ask the server what the delete would do each time the dialog opens (and after a reload brings a new revision).
  useEffect(() => {
    if (open) void check();
    else reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, revision]);

  return (
    <>
      <Button color="red" variant="light" leftSection={<IconTrash size={16} aria-hidden />} onClick={() => setOpen(true)}>
        Delete {noun}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Delete ${noun} ${name}?`} size="lg">
        <Stack>
          <Text size="sm">
            {noun[0]!.toUpperCase() + noun.slice(1)} <b>{name}</b> is removed from the configuration as a new version (you can roll back
            from Versions).
          </Text>
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              Referenced by
            </Text>
            {references === undefined ? (
              <Loader size="xs" aria-label="Loading references" />
            ) : references.length === 0 ? (
              <Text size="sm" c="dimmed" data-testid="references">
                Nothing else in the configuration names it.
              </Text>
            ) : (
              <List size="sm" spacing={2} data-testid="references">
                {references.map((r) => (
                  <List.Item key={r}>{r}</List.Item>
                ))}
              </List>
            )}
          </Stack>
          <CommitProblems
            flow={flow}
            title={`Deleting ${noun} ${name} would leave the configuration invalid; nothing was deleted`}
            onReload={() => {
              onReload();
              void check();
            }}
          />
          {flow.phase === 'checking' ? (
            <Center>
              <Loader size="sm" aria-label="Checking what the delete would break" />
            </Center>
          ) : null}
          {flow.phase === 'review' ? (
            <Text size="sm" c="dimmed" data-testid="delete-check">
              Checked by the control plane without saving: the configuration stays valid without it.
            </Text>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)} disabled={flow.phase === 'saving'}>
              Cancel
            </Button>
            <Button
              color="red"
              onClick={() => void flow.commit()}
              loading={flow.phase === 'saving'}
              disabled={flow.phase !== 'review' && flow.phase !== 'saving'}
            >
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
