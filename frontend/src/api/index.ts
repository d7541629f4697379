export * from './client';
export * from './commit';
export * from './errors';
export * from './session';
export * from './types';
