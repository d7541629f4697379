import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Group, Modal, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconKey, IconPlus, IconTrash } from '@tabler/icons-react';
import type { Role, UserView } from '../../api';
import { DataTable, useClientTable, type DataTableColumn } from '../../components/DataTable';
import { EmptyPanel } from '../../components/EmptyPanel';
import { Page } from '../../components/Page';
import { useAuth } from '../auth/AuthProvider';
import { errorMessage, notifyError, notifySuccess } from '../../lib/notify';
import { USERS_KEY, useUsers, usersApi } from './api';

const ROLES: { value: Role; label: string }[] = [
  { value: 'admin', label: 'admin' },
  { value: 'operator', label: 'operator' },
  { value: 'viewer', label: 'viewer' },
];

function CreateUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const create = useMutation({
    mutationFn: () => usersApi.create({ username: username.trim(), password, role }),
    onSuccess: () => {
      notifySuccess(`User ${username.trim()} created`);
      void qc.invalidateQueries({ queryKey: USERS_KEY });
      setUsername('');
      setPassword('');
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New user">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack>
          <TextInput
            label="Username"
            required
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            data-autofocus
            autoComplete="off"
          />
          <PasswordInput
            label="Password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
          />
          <Select label="Role" data={ROLES} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} />
          {create.isError ? (
            <Alert color="red" role="alert" title="Not created">
              {errorMessage(create.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!username.trim() || !password}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function PasswordModal({ user, onClose }: { user: UserView | null; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const reset = useMutation({
    mutationFn: () => usersApi.patch(user!.id, { password }),
    onSuccess: () => {
      notifySuccess(`Password of ${user?.username} changed`);
      setPassword('');
      onClose();
    },
  });
  return (
    <Modal opened={!!user} onClose={onClose} title={`Reset password of ${user?.username ?? ''}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          reset.mutate();
        }}
      >
        <Stack>
          <PasswordInput
            label="New password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            data-autofocus
            autoComplete="new-password"
          />
          {reset.isError ? (
            <Alert color="red" role="alert" title="Not changed">
              {errorMessage(reset.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={reset.isPending} disabled={!password}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteModal({ user, onClose }: { user: UserView | null; onClose: () => void }) {
  const qc = useQueryClient();
  const del = useMutation({
    mutationFn: () => usersApi.remove(user!.id),
    onSuccess: () => {
      notifySuccess(`User ${user?.username} deleted`);
      void qc.invalidateQueries({ queryKey: USERS_KEY });
      onClose();
    },
    onError: (e) => notifyError(e, 'Could not delete'),
  });
  return (
    <Modal opened={!!user} onClose={onClose} title={`Delete user ${user?.username ?? ''}?`}>
      <Stack>
        <Text size="sm">Their sessions end and they can no longer sign in.</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" onClick={() => del.mutate()} loading={del.isPending}>
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function RoleSelect({ user, self }: { user: UserView; self: boolean }) {
  const qc = useQueryClient();
  const change = useMutation({
    mutationFn: (role: Role) => usersApi.patch(user.id, { role }),
    onSuccess: (_, role) => {
      notifySuccess(`${user.username} is now ${role}`);
      void qc.invalidateQueries({ queryKey: USERS_KEY });
    },
    onError: (e) => notifyError(e, 'Role not changed'),
  });
  return (
    <Select
      aria-label={`Role of ${user.username}`}
      data={ROLES}
      value={user.role}
      onChange={(v) => v && v !== user.role && change.mutate(v as Role)}
      allowDeselect={false}
      disabled={self || change.isPending}
      size="xs"
      w={130}
      title={self ? 'You cannot change your own role' : undefined}
    />
  );
}

export function UsersPage() {
  const { user: me } = useAuth();
  const users = useUsers();
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<UserView | null>(null);
  const [deleting, setDeleting] = useState<UserView | null>(null);
  const columns: DataTableColumn<UserView>[] = [
    {
      key: 'username',
      header: 'Username',
      value: (u) => u.username,
      sortable: true,
      render: (u) => (
        <Group gap={6}>
          <Text size="sm" fw={500}>
            {u.username}
          </Text>
          {String(u.id) === String(me?.id) ? (
            <Badge size="xs" variant="outline">
              you
            </Badge>
          ) : null}
        </Group>
      ),
    },
    {
      key: 'role',
      header: 'Role',
      value: (u) => u.role,
      sortable: true,
      render: (u) => <RoleSelect user={u} self={String(u.id) === String(me?.id)} />,
    },
    {
      key: 'actions',
      header: 'Actions',
      render: (u) => (
        <Group gap={6} wrap="nowrap">
          <Button
            size="compact-xs"
            variant="light"
            leftSection={<IconKey size={12} aria-hidden />}
            aria-label={`Reset password of ${u.username}`}
            onClick={() => setResetting(u)}
          >
            Reset password
          </Button>
          {String(u.id) !== String(me?.id) ? (
            <Button
              size="compact-xs"
              variant="light"
              color="red"
              leftSection={<IconTrash size={12} aria-hidden />}
              aria-label={`Delete user ${u.username}`}
              onClick={() => setDeleting(u)}
            >
              Delete
            </Button>
          ) : null}
        </Group>
      ),
    },
  ];
  const table = useClientTable(users.data ?? [], columns, { pageSize: 25, sort: { key: 'username', direction: 'asc' } });
  return (
    <Page
      title="Users"
      description="Accounts and roles: admin (everything), operator (configuration), viewer (read only)."
      actions={
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
          New user
        </Button>
      }
    >
      <DataTable
        label="Users"
        columns={columns}
        getRowId={(u) => u.id}
        {...table}
        loading={users.isPending}
        error={users.isError ? errorMessage(users.error) : undefined}
        empty={<EmptyPanel title="No users" />}
      />
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} />
      <PasswordModal user={resetting} onClose={() => setResetting(null)} />
      <DeleteModal user={deleting} onClose={() => setDeleting(null)} />
    </Page>
  );
}
