export * from './errors.ts';
export * from './primitives.ts';
export * from './roles.ts';
export * from './vocabulary.ts';
