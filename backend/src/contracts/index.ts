/**
 * Framework-free configuration contracts: the option registry, the YAML document, its validation and the
 * effective configuration pushed to SIP Proxy workers. Imports only node:* and `yaml`.
 */
export * from './options/option-schema.js';
export * from './options/option-values.js';
export * from './config-document.js';
export * from './validation.js';
export * from './tls-material.js';
export * from './effective-config.js';
export * from './effective-diff.js';
export { loadConfigDocument } from './load.js';
export { yamlPositions } from './yaml-positions.js';
export type { SourcePosition } from './yaml-positions.js';
export type { LoadResult } from './load.js';
export * from './worker-protocol.js';
export * from './log-events.js';
export * from './log-format.js';
export * from './secrets.js';
export * from './names.js';
