export * from './lib/residence-read-model';
