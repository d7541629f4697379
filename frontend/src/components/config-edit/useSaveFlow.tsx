import { useEffect, useState } from 'react';
import { Alert, Button, Center, Group, List, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconRefresh } from '@tabler/icons-react';
import { isApiError } from '../../api';
import { locatedErrors, type CommitResult, type LocatedError, type ObjectKind } from '../../api';
import { errorMessage, notifySuccess } from '../../lib/notify';
import { ChangesTable } from './ChangesTable';
import { ErrorList } from './useCommitDialog';
import { useOptionSchema } from '../../features/options/api';

export interface SaveFlowOptions {
  kind: ObjectKind;
  /** Object name as the server reports it in errors (a DN is "Switch/number"). */
  name: string;
  /** Words for messages: "application SIPProxy_1". */
  label: string;
  /** The PATCH body, or null when nothing changed. */
  buildBody: () => Record<string, unknown> | null;
  send: (body: Record<string, unknown>, dryRun: boolean) => Promise<CommitResult>;
  onSaved: (result: CommitResult) => void;
  onReload: () => void;
}

type Phase = 'idle' | 'checking' | 'review' | 'saving';

/**
 * The save flow every option form uses: dry run first (validation + diff), a "Review changes" dialog, then the
 * real save with the revision as read; 400s land on the fields they name, 409 asks for a reload.
 */
export function useSaveFlow(opts: SaveFlowOptions) {
  const [phase, setPhase] = useState<Phase>('idle');
  const [preview, setPreview] = useState<CommitResult | null>(null);
  const [errors, setErrors] = useState<LocatedError[]>([]);
  const [stale, setStale] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [body, setBody] = useState<Record<string, unknown> | null>(null);
  const schema = useOptionSchema();
  const restartNeeded = (preview?.changes ?? []).some((c) => {
    const m = /^options\.([^.]+)\.(.+)$/.exec(c.field ?? '');
    return !!m && !!schema.data?.options.some((o) => o.section === m[1] && o.name === m[2] && o.takesEffect === 'after-restart');
  });

  const handleError = (e: unknown) => {
    if (isApiError(e) && (e.status === 409 || e.code === 'STALE_REVISION' || e.code === 'STALE_VERSION')) {
      setStale(true);
      return;
    }
    const located = locatedErrors(e);
    if (located.length > 0) {
      setErrors(located);
      return;
    }
    setFailure(errorMessage(e));
  };

  const reset = () => {
    setErrors([]);
    setFailure(null);
  };

  const review = async () => {
    reset();
    const b = opts.buildBody();
    if (!b) return;
    setBody(b);
    setPhase('checking');
    try {
      const res = await opts.send(b, true);
      setPreview(res);
      setPhase('review');
    } catch (e) {
      handleError(e);
      setPhase('idle');
    }
  };

  const save = async () => {
    if (!body) return;
    setPhase('saving');
    try {
      const res = await opts.send(body, false);
      setPhase('idle');
      setPreview(null);
      notifySuccess(`Saved ${opts.label} as version ${res.version}`, 'Saved');
      opts.onSaved(res);
    } catch (e) {
      setPhase('idle');
      setPreview(null);
      handleError(e);
    }
  };

  const cancel = () => {
    setPhase('idle');
    setPreview(null);
  };

  /** Errors about this object, keyed by field ('options.sipproxy.oos-check', 'host', 'ports.sip-port'). */
  const mine = errors.filter((e) => e.field && (!e.object || (e.object.kind === opts.kind && e.object.name === opts.name)));
  const fieldErrors = mine.map((e) => ({ path: e.field!, message: e.message }));
  const others = errors.filter((e) => !mine.includes(e));

  // Take the keyboard to the first field the server complained about.
  useEffect(() => {
    if (errors.length === 0) return;
    const t = setTimeout(() => {
      const el = document.querySelector<HTMLElement>('main [aria-invalid="true"]');
      // Centre it: at the bottom it would hide behind the sticky save bar.
      el?.focus({ preventScroll: true });
      el?.scrollIntoView({ block: 'center' });
    }, 50);
    return () => clearTimeout(t);
  }, [errors]);

  const fieldError = (field: string) => fieldErrors.find((e) => e.path === field)?.message;

  const ui = (
    <>
      {stale ? (
        <Alert color="orange" role="alert" icon={<IconAlertCircle aria-hidden />} title="Changed by someone else">
          <Stack gap="xs">
            <Text size="sm">
              The {opts.label} was changed by someone else since you opened it, so nothing was saved. Reload to see the current values, then
              make your change again.
            </Text>
            <Group>
              <Button
                size="xs"
                leftSection={<IconRefresh size={14} aria-hidden />}
                onClick={() => {
                  setStale(false);
                  reset();
                  opts.onReload();
                }}
              >
                Reload
              </Button>
            </Group>
          </Stack>
        </Alert>
      ) : null}
      {failure ? (
        <Alert
          color="red"
          role="alert"
          icon={<IconAlertCircle aria-hidden />}
          title="Not saved"
          withCloseButton
          onClose={() => setFailure(null)}
        >
          {failure}
        </Alert>
      ) : null}
      {errors.length > 0 ? (
        <Alert
          color="red"
          role="alert"
          icon={<IconAlertCircle aria-hidden />}
          title="The configuration would not be valid; nothing was saved"
        >
          <Stack gap={4}>
            {mine.length > 0 ? (
              <>
                <Text size="sm">
                  {mine.length === 1 ? 'One field below is' : `${mine.length} fields below are`} marked with the problem:
                </Text>
                <List size="sm" spacing={2} data-testid="field-errors">
                  {mine.map((e, i) => (
                    <List.Item key={`${e.field}-${i}`}>
                      <Text span ff="monospace" size="sm" fw={700}>
                        {e.field}
                      </Text>
                      : {e.message}
                    </List.Item>
                  ))}
                </List>
              </>
            ) : null}
            {others.length > 0 ? <ErrorList errors={others} testId="other-errors" /> : null}
          </Stack>
        </Alert>
      ) : null}
      <Modal
        // Open while the dry run runs, so its spinner is inside the dialog rather than behind it.
        opened={phase === 'checking' || phase === 'review' || phase === 'saving'}
        onClose={cancel}
        title={`Review changes to ${opts.label}`}
        size="xl"
      >
        <Stack>
          {phase === 'checking' ? (
            <Center py="lg">
              <Loader aria-label="Checking the changes" />
            </Center>
          ) : (
            <>
              <Text size="sm" c="dimmed">
                Checked by the control plane without saving. This is what will change:
              </Text>
              <ChangesTable changes={preview?.changes ?? []} label="Pending changes" schema={schema.data} />
            </>
          )}
          {restartNeeded ? (
            <Alert color="orange" icon={<IconAlertCircle aria-hidden />} data-testid="restart-warning">
              Some of these options take effect only after the proxy restarts: the workers will show “restart pending” until then.
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={cancel}>
              Cancel
            </Button>
            <Button
              onClick={() => void save()}
              loading={phase === 'saving'}
              disabled={phase === 'checking' || (preview?.changes.length ?? 0) === 0}
            >
              Save
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );

  return { phase, review, ui, fieldErrors, fieldError, clearErrors: reset, busy: phase !== 'idle' };
}
