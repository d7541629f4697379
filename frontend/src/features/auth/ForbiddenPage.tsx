import { Button } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { Link } from 'react-router';
import { Page } from '../../components/Page';
import { EmptyPanel } from '../../components/EmptyPanel';

export function ForbiddenPage() {
  return (
    <Page title="Not allowed">
      <EmptyPanel
        icon={<IconLock aria-hidden />}
        title="You do not have access to this page"
        description="Ask an administrator if you need this permission."
        action={
          <Button component={Link} to="/" variant="light">
            Go to the dashboard
          </Button>
        }
      />
    </Page>
  );
}
