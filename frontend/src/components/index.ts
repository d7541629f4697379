export * from './Page';
export * from './EmptyPanel';
export * from './StatusBadge';
export * from './OptionField';
export * from './DataTable';
export * from './OptionsEditor';
export * from './PairStateCard';
