// One definition of time and ids for the whole platform: the event-sourcing library's, which
// the apps inject (CLOCK, ID_GENERATOR) so tests control both.
export { systemClock, uuidGenerator, type Clock, type IdGenerator } from '@d06/event-sourcing';
