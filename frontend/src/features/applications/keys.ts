/** React Query keys of the applications feature (a module of its own so dialogs and pages can share them). */
export const APPLICATIONS_KEY = ['applications'] as const;
export const WORKER_TOKENS_KEY = ['workers', 'tokens'] as const;
