import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Alert, Box, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle, IconInfoCircle } from '@tabler/icons-react';
import { isApiError } from '../../api';
import { useAuth, type LoginRedirectState } from './AuthProvider';

/** "Try again in 42 seconds." / "in 3 minutes." from the server's Retry-After; without it, say so plainly. */
function waitText(seconds: number | undefined): string {
  if (seconds === undefined) return 'Wait a minute and try again.';
  if (seconds < 90) return `Try again in ${Math.max(1, seconds)} second${seconds === 1 ? '' : 's'}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Try again in ${minutes} minutes.`;
}

function messageFor(e: unknown): string {
  if (isApiError(e)) {
    if (e.status === 401) return 'Invalid username or password';
    if (e.status === 429) return `Too many sign-in attempts. ${waitText(e.retryAfterSeconds)}`;
    if (e.status === 0) return e.message;
  }
  return 'Sign-in failed because of a server error. Try again.';
}

/** Where to go after login: the remembered path, but never back to /login or off-site. */
function safeTarget(from: string | undefined): string {
  if (!from || !from.startsWith('/') || from.startsWith('//') || from.startsWith('/login')) return '/';
  return from;
}

export function LoginPage() {
  const { user, loading, login } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const state = (location.state ?? {}) as LoginRedirectState;
  const target = safeTarget(state.from);

  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = 'Sign in · SIP Edge';
  }, []);

  if (!loading && user && !submitting) return <Navigate to={target} replace />;

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError('Enter your username and password');
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await login({ username: username.trim(), password });
      navigate(target, { replace: true });
    } catch (err) {
      setError(messageFor(err));
      setSubmitting(false);
    }
  };

  return (
    <Center mih="100dvh" p="md" component="main">
      <Paper withBorder shadow="sm" radius="md" p="xl" w="100%" maw={400}>
        <Stack gap="md">
          <Box>
            <Text fw={700} c="blue" size="sm" tt="uppercase" lts={1}>
              SIP Edge
            </Text>
            <Title order={1} size="h2">
              Sign in
            </Title>
          </Box>
          {state.reason === 'expired' && !error ? (
            <Alert color="yellow" icon={<IconInfoCircle aria-hidden />} role="status" title="Session expired">
              Your session has expired. Sign in again to continue.
            </Alert>
          ) : null}
          {state.reason === 'logged-out' && !error ? (
            <Alert color="blue" icon={<IconInfoCircle aria-hidden />} role="status">
              You have been signed out.
            </Alert>
          ) : null}
          {error ? (
            <Alert color="red" icon={<IconAlertCircle aria-hidden />} role="alert">
              {error}
            </Alert>
          ) : null}
          <form onSubmit={onSubmit} noValidate aria-label="Sign in">
            <Stack gap="sm">
              <TextInput
                label="Username"
                name="username"
                autoComplete="username"
                autoFocus
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
              />
              <PasswordInput
                label="Password"
                name="password"
                autoComplete="current-password"
                // Keeps "Password" the only label containing that word, so getByLabel('Password') finds one element.
                visibilityToggleButtonProps={{ 'aria-label': 'Show or hide typed characters' }}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              <Button type="submit" loading={submitting} fullWidth mt="xs">
                Sign in
              </Button>
            </Stack>
          </form>
        </Stack>
      </Paper>
    </Center>
  );
}
