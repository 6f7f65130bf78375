export * from './lib/residence-domain';
