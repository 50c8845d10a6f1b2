/** Training and evaluation steps as plain data (see types.ts), and how they become ops. */
export * from './types';
export * from './state';
export * from './layers';
export * from './optimizer';
export * from './step';
export * from './materialize';
