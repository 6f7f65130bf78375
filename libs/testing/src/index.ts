export * from './lib/infra';
export * from './lib/wait';
export * from './lib/given-when-then';
