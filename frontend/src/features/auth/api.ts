import { api } from '../../api/client';
import type { LoginRequest, LoginResponse, User } from '../../api/types';

export const ME_QUERY_KEY = ['auth', 'me'] as const;

/** Login and "who am I" expect a 401 as an answer, so it does not end the session there. */
export const authApi = {
  login: (req: LoginRequest) => api.post<LoginResponse>('/auth/login', req, { expireSessionOn401: false }),
  logout: () => api.post<void>('/auth/logout', undefined, { expireSessionOn401: false }),
  me: () => api.get<User>('/auth/me', { expireSessionOn401: false }),
};
