export * from './lib/event-sourcing';
