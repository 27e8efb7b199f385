export * from './agreement.ts';
export * from './consent.ts';
export * from './decide.ts';
export * from './errors.ts';
export * from './minimize.ts';
export * from './primitives.ts';
export * from './roles.ts';
export * from './vocabulary.ts';
