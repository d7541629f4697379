import { api } from './client';
import type { LoginRequest, LoginResponse, User } from './types';

export const authApi = {
  login: (req: LoginRequest) => api.post<LoginResponse>('/auth/login', req, { expireSessionOn401: false }),
  logout: () => api.post<void>('/auth/logout', undefined, { expireSessionOn401: false }),
  me: () => api.get<User>('/auth/me', { expireSessionOn401: false }),
};
