import { useEffect, type ReactNode } from 'react';
import { Group, Stack, Text, Title } from '@mantine/core';

export interface PageProps {
  /** The page's one h1; also sets the document title. */
  title: string;
  /** One line under the heading saying what the page is for. */
  description?: ReactNode;
  /** Buttons on the right of the heading (e.g. "New application"). */
  actions?: ReactNode;
  children?: ReactNode;
}

/** Standard page frame: h1 + description + actions, then content. Keeps headings consistent for screen readers and e2e tests. */
export function Page({ title, description, actions, children }: PageProps) {
  useEffect(() => {
    document.title = `${title} · SIP Edge`;
  }, [title]);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={4}>
          {/* "DN +4930…" with a long number wraps instead of overflowing. */}
          <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
            {title}
          </Title>
          {description ? (
            <Text c="dimmed" size="sm">
              {description}
            </Text>
          ) : null}
        </Stack>
        {actions ? <Group gap="sm">{actions}</Group> : null}
      </Group>
      {children}
    </Stack>
  );
}
