import type { ReactNode } from 'react';
import { Alert, Anchor, Breadcrumbs, Button, Center, Group, Loader, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconAlertCircle, IconEye } from '@tabler/icons-react';
import { Link } from 'react-router';

/** Breadcrumbs above a detail page. */
export function Crumbs({ items }: { items: { label: string; to?: string }[] }) {
  return (
    <Breadcrumbs aria-label="Breadcrumb">
      {items.map((i) =>
        i.to ? (
          <Anchor component={Link} to={i.to} key={i.label} size="sm">
            {i.label}
          </Anchor>
        ) : (
          <Text size="sm" key={i.label} aria-current="page">
            {i.label}
          </Text>
        ),
      )}
    </Breadcrumbs>
  );
}

export function LoadingBlock({ label }: { label: string }) {
  return (
    <Center py="xl">
      <Loader aria-label={label} />
    </Center>
  );
}

export function LoadError({ title, message, onRetry }: { title: string; message: string; onRetry?: () => void }) {
  return (
    <Alert color="red" role="alert" icon={<IconAlertCircle aria-hidden />} title={title}>
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{message}</Text>
        {onRetry ? (
          <Button size="xs" variant="light" onClick={onRetry}>
            Try again
          </Button>
        ) : null}
      </Stack>
    </Alert>
  );
}

export function ViewerNotice() {
  return (
    <Alert color="gray" icon={<IconEye aria-hidden />} data-testid="read-only-notice">
      Your role can view the configuration but not change it.
    </Alert>
  );
}

/** The bar at the bottom of an options form: "Review changes" (dry run) or, for viewers, nothing to press. */
export function SaveBar({
  canEdit,
  dirty,
  valid,
  busy,
  loading,
  onReview,
  onDiscard,
}: {
  canEdit: boolean;
  dirty: boolean;
  valid: boolean;
  /** The save flow is under way (checking, reviewing, saving): no second review. */
  busy: boolean;
  /** The dry run is running: spin the button. */
  loading?: boolean;
  onReview: () => void;
  onDiscard: () => void;
}) {
  if (!canEdit) return null;
  const reason = !dirty ? 'Nothing changed yet' : !valid ? 'Fix the fields marked in red first' : null;
  return (
    // Sticky only while there is something to save, so an untouched form is not partly covered.
    <Paper
      withBorder
      p="sm"
      radius="md"
      pos={dirty ? 'sticky' : 'static'}
      bottom={8}
      style={{ zIndex: 5 }}
      shadow={dirty ? 'sm' : undefined}
    >
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" data-testid="form-state">
          {dirty ? 'Unsaved changes' : 'No changes'}
        </Text>
        <Group gap="sm">
          <Button variant="default" onClick={onDiscard} disabled={!dirty || busy}>
            Discard changes
          </Button>
          <Tooltip label={reason} disabled={!reason}>
            <Button
              onClick={onReview}
              disabled={!!reason || (busy && !loading)}
              loading={loading}
              data-disabled-reason={reason ?? undefined}
            >
              Review changes
            </Button>
          </Tooltip>
        </Group>
      </Group>
    </Paper>
  );
}

export function Section({ title, children, id }: { title: string; id: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={id}>
      <Stack gap="sm">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}
