import { useState } from 'react';
import { Alert, Button, Group, List, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconRefresh } from '@tabler/icons-react';
import { isApiError } from '../../api';
import { locatedErrors, type CommitResult, type LocatedError, type ObjectKind } from '../../api';
import { errorMessage } from '../../lib/notify';

export type CommitPhase = 'idle' | 'checking' | 'review' | 'saving' | 'done';

export interface CommitDialogOptions {
  kind: ObjectKind;
  /** The object's name as the server reports it in errors (may change while typing a new name). */
  name: string;
  /** One commit: dry run first, then the same request for real. */
  send: (dryRun: boolean) => Promise<CommitResult>;
  onDone: (result: CommitResult) => void;
}

/**
 * The commit path of a create or delete dialog, the same as the option forms': a dry run (validated whole, the diff
 * shown), then the real commit; a 400's errors land on this object's fields or are listed, 409 asks for a reload.
 */
export function useCommitDialog(opts: CommitDialogOptions) {
  const [phase, setPhase] = useState<CommitPhase>('idle');
  const [preview, setPreview] = useState<CommitResult | null>(null);
  const [errors, setErrors] = useState<LocatedError[]>([]);
  const [stale, setStale] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const handle = (e: unknown) => {
    if (isApiError(e) && e.status === 409 && (e.code === 'STALE_REVISION' || e.code === 'STALE_VERSION')) setStale(true);
    else if (locatedErrors(e).length > 0) setErrors(locatedErrors(e));
    else setFailure(errorMessage(e));
  };

  const reset = () => {
    setPhase('idle');
    setPreview(null);
    setErrors([]);
    setStale(false);
    setFailure(null);
  };

  const check = async () => {
    setErrors([]);
    setFailure(null);
    setStale(false);
    setPhase('checking');
    try {
      setPreview(await opts.send(true));
      setPhase('review');
    } catch (e) {
      handle(e);
      setPhase('idle');
    }
  };

  const commit = async () => {
    setPhase('saving');
    try {
      const res = await opts.send(false);
      setPhase('done');
      opts.onDone(res);
    } catch (e) {
      setPreview(null);
      handle(e);
      setPhase('idle');
    }
  };

  const mine = errors.filter((e) => e.field && e.object?.kind === opts.kind && e.object.name === opts.name);
  const others = errors.filter((e) => !mine.includes(e));
  const fieldError = (field: string) => mine.find((e) => e.field === field)?.message;

  return { phase, preview, errors, mine, others, stale, failure, fieldError, check, commit, reset, back: () => setPhase('idle') };
}

export type CommitDialog = ReturnType<typeof useCommitDialog>;

/** One line per located error: "switch SiteA · sip-server: …". */
export function ErrorList({ errors, testId }: { errors: LocatedError[]; testId: string }) {
  return (
    <List size="sm" spacing={2} data-testid={testId}>
      {errors.map((e, i) => (
        <List.Item key={`${e.path}-${i}`}>
          {e.object ? (
            <b>
              {e.object.kind} {e.object.name}
              {e.field ? ` · ${e.field}` : ''}:{' '}
            </b>
          ) : e.path ? (
            <b>{e.path}: </b>
          ) : null}
          {e.message}
        </List.Item>
      ))}
    </List>
  );
}

/** The refusal, conflict or failure of a create/delete dialog, inside the dialog. */
export function CommitProblems({ flow, title, onReload }: { flow: CommitDialog; title: string; onReload?: () => void }) {
  return (
    <>
      {flow.stale ? (
        <Alert color="orange" role="alert" icon={<IconAlertCircle aria-hidden />} title="Changed by someone else">
          <Stack gap="xs">
            <Text size="sm">It was changed by someone else since you opened it, so nothing was saved. Reload and try again.</Text>
            {onReload ? (
              <Group>
                <Button
                  size="xs"
                  leftSection={<IconRefresh size={14} aria-hidden />}
                  onClick={() => {
                    flow.reset();
                    onReload();
                  }}
                >
                  Reload
                </Button>
              </Group>
            ) : null}
          </Stack>
        </Alert>
      ) : null}
      {flow.failure ? (
        <Alert color="red" role="alert" icon={<IconAlertCircle aria-hidden />} title="Not saved">
          {flow.failure}
        </Alert>
      ) : null}
      {flow.errors.length > 0 ? (
        <Alert color="red" role="alert" icon={<IconAlertCircle aria-hidden />} title={title}>
          <Stack gap={4}>
            {flow.mine.length > 0 ? <ErrorList errors={flow.mine} testId="field-errors" /> : null}
            {flow.others.length > 0 ? <ErrorList errors={flow.others} testId="other-errors" /> : null}
          </Stack>
        </Alert>
      ) : null}
    </>
  );
}

/** The buttons of a create dialog: Cancel/Review, then Back/submit once the dry run's changes are shown. */
export function ReviewFooter({
  flow,
  reviewing,
  ready,
  onCancel,
  submitLabel,
}: {
  flow: CommitDialog;
  reviewing: boolean;
  ready: boolean;
  onCancel: () => void;
  submitLabel: string;
}) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={reviewing ? flow.back : onCancel} disabled={flow.phase === 'saving'}>
        {reviewing ? 'Back' : 'Cancel'}
      </Button>
      {reviewing ? (
        <Button type="submit" loading={flow.phase === 'saving'}>
          {submitLabel}
        </Button>
      ) : (
        <Button type="submit" disabled={!ready} loading={flow.phase === 'checking'}>
          Review
        </Button>
      )}
    </Group>
  );
}
