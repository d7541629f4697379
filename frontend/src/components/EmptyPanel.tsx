import type { ReactNode } from 'react';
import { EmptyState, Paper } from '@mantine/core';
import { IconInbox } from '@tabler/icons-react';

export interface EmptyPanelProps {
  title?: ReactNode;
  description?: ReactNode;
  icon?: ReactNode;
  action?: ReactNode;
}

/** "Nothing here yet" panel used by empty lists and not-yet-built pages. */
export function EmptyPanel({ title = 'Nothing here yet', description, icon, action }: EmptyPanelProps) {
  return (
    <Paper withBorder radius="md" p="xl">
      <EmptyState title={title} description={description} icon={icon ?? <IconInbox aria-hidden />} withIndicatorBackground>
        {action ? <EmptyState.Actions>{action}</EmptyState.Actions> : null}
      </EmptyState>
    </Paper>
  );
}
