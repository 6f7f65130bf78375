export * from './lib/lodging-domain';
