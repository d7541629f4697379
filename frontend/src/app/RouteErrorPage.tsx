import { isRouteErrorResponse, useRouteError } from 'react-router';
import { Alert, Button, Center, Code, Stack, Title } from '@mantine/core';

/** Last-resort page when rendering a route throws: say so, offer a reload, never a blank screen. */
export function RouteErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <Center mih="100dvh" p="md" component="main">
      <Stack maw={560} gap="md">
        <Title order={1} size="h2">
          Something went wrong
        </Title>
        <Alert color="red" role="alert">
          The page failed to load. <Code>{message}</Code>
        </Alert>
        <Button onClick={() => window.location.reload()} w="fit-content">
          Reload
        </Button>
      </Stack>
    </Center>
  );
}
