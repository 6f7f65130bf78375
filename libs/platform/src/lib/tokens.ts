/** Provider tokens (DESIGN.md: named constants). */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const MANAGED_DATA_SOURCE = Symbol('MANAGED_DATA_SOURCE');
export const RPC_DISPATCHER = Symbol('RPC_DISPATCHER');
export const RPC_SERVER = Symbol('RPC_SERVER');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const CLOCK = Symbol('CLOCK');
export const ID_GENERATOR = Symbol('ID_GENERATOR');
export const RPC_CLIENT = Symbol('RPC_CLIENT');
export const EVENT_SOURCING = Symbol('EVENT_SOURCING');
