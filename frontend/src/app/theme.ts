import { Alert, Badge, createTheme, Drawer, Modal, Notification } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'sm',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  // Visible keyboard focus everywhere, not only where the browser decides.
  focusRing: 'auto',
  components: {
    // Badges carry states ("out of service", "restart pending"): never squeeze them into "OUT O…" in a narrow cell.
    Badge: Badge.extend({ styles: { root: { minWidth: 'fit-content', flexShrink: 0 }, label: { overflow: 'visible' } } }),
    // An icon-only close button is announced by its name alone: give every one a name (issue 19).
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close panel' } } }),
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } } }),
    Alert: Alert.extend({ defaultProps: { closeButtonLabel: 'Close message' } }),
  },
});
