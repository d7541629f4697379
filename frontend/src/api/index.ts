export * from './client';
export * from './errors';
export * from './session';
export * from './types';
export { authApi } from './auth';
export { healthApi } from './health';
export { optionsApi, optionsFor } from './options';
