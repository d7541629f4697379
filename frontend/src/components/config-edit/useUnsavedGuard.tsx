import { useEffect } from 'react';
import { useBlocker } from 'react-router';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';

/** Asks before leaving a form with unsaved edits (in-app navigation and closing/reloading the tab). */
export function useUnsavedGuard(dirty: boolean) {
  // Navigations the page itself starts after finishing its work (e.g. after deleting) pass `state: { skipGuard: true }`.
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && currentLocation.pathname !== nextLocation.pathname && !(nextLocation.state as { skipGuard?: boolean } | null)?.skipGuard,
  );

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  return (
    <Modal opened={blocker.state === 'blocked'} onClose={() => blocker.reset?.()} title="Leave without saving?">
      <Stack>
        <Text size="sm">Your changes on this page have not been saved. They are lost if you leave.</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => blocker.reset?.()} data-autofocus>
            Stay on this page
          </Button>
          <Button color="red" onClick={() => blocker.proceed?.()}>
            Discard changes and leave
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
