import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconCheck } from '@tabler/icons-react';
import { isApiError } from '../api';

/** Short confirmation after a save ("Application SIPProxy_A saved"). */
export function notifySuccess(message: string, title?: string) {
  notifications.show({ color: 'green', title, message, icon: <IconCheck size={18} aria-hidden />, autoClose: 4000 });
}

/** The words to show for a failed call; validation details belong on the fields, not here. */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 403) return error.message || 'Your role does not allow this';
    if (error.status === 409) return error.message || 'Someone else changed this first. Reload and try again.';
    if (error.status === 0) return error.message;
    if (error.status >= 500) return `The server failed (${error.status}). ${error.message}`;
    return error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong';
}

/** Error toast for a failed mutation; 401 is left to the session handling (it redirects to login). */
export function notifyError(error: unknown, title = 'Could not save') {
  if (isApiError(error) && error.status === 401) return;
  notifications.show({
    color: 'red',
    title,
    message: errorMessage(error),
    icon: <IconAlertCircle size={18} aria-hidden />,
    autoClose: 8000,
  });
}
