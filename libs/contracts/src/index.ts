export * from './lib/topics';
export * from './lib/envelope';
export * from './lib/rpc';
export * from './lib/decider';
