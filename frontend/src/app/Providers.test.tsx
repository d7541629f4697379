import { describe, expect, it } from 'vitest';
import { act, screen } from '@testing-library/react';
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
