import type { ReactNode } from 'react';
import { Page } from '../../components/Page';
import { EmptyPanel } from '../../components/EmptyPanel';

export interface PlaceholderPageProps {
  title: string;
  description: string;
  emptyDescription: ReactNode;
  icon?: ReactNode;
}

/** A page whose feature is not built yet: its heading, what it will do, and an empty state. */
export function PlaceholderPage({ title, description, emptyDescription, icon }: PlaceholderPageProps) {
  return (
    <Page title={title} description={description}>
      <EmptyPanel title="Nothing here yet" description={emptyDescription} icon={icon} />
    </Page>
  );
}
