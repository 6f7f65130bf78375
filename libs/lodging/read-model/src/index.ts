export * from './lib/lodging-read-model';
