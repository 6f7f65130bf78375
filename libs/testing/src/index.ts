export * from './lib/infra';
export * from './lib/wait';
export * from './lib/given-when-then';
export * from './lib/manual-clock';
export * from './lib/test-stack';
