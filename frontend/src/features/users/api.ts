import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Role, UserView } from '../../api/types';

export const USERS_KEY = ['users'] as const;

export const usersApi = {
  list: () => api.get<UserView[]>('/users'),
  create: (body: { username: string; password: string; role: Role }) => api.post<UserView>('/users', body),
  patch: (id: UserView['id'], body: { password?: string; role?: Role }) => api.patch<UserView>(`/users/${id}`, body),
  remove: (id: UserView['id']) => api.delete<void>(`/users/${id}`),
};

export function useUsers() {
  return useQuery({ queryKey: USERS_KEY, queryFn: usersApi.list });
}
