export * from './Page';
export * from './EmptyPanel';
export * from './StatusBadge';
