export * from './lib/identity-read-model';
