import { describe, expect, it } from 'vitest';
import { act, screen } from '@testing-library/react';
import { Alert, Modal } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { renderWithProviders } from '../test/utils';

describe('notifications', () => {
  it('show top right, in the container moved below the header (only the top ones are moved)', async () => {
    renderWithProviders(<p>page</p>);
    act(() => {
      notifications.show({ title: 'Saved', message: 'Saved application X as version 3' });
    });
    const toast = await screen.findByText('Saved application X as version 3');
    const container = toast.closest('[data-position]');
    expect(container).toHaveAttribute('data-position', 'top-right');
    expect(container?.className).toMatch(/belowHeader/);
  });
});

describe('close buttons', () => {
  it('of dialogs, notifications and dismissible messages have accessible names', async () => {
    renderWithProviders(
      <>
        <Modal opened onClose={() => undefined} title="Review changes">
          body
        </Modal>
        <Alert withCloseButton onClose={() => undefined} title="Not saved">
          why
        </Alert>
      </>,
    );
    act(() => {
      notifications.show({ title: 'Saved', message: 'Saved as version 3' });
    });
    await screen.findByText('Saved as version 3');
    expect(await screen.findByRole('button', { name: 'Close dialog' })).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Close notification' }).length).toBeGreaterThan(0);
    expect(screen.getByRole('button', { name: 'Close message' })).toBeInTheDocument();
  });
});
