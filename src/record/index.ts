/** The run record: its types, builder, flat (CSV) view and the comparison `--expect` prints. */
export * from './types';
export * from './build';
export * from './flat';
export * from './expect';
