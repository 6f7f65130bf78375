/** Provider tokens of the gateway (DESIGN.md: named constants). */
export const CLIENT_REGISTRY = Symbol('CLIENT_REGISTRY');
export const GATEWAY_DATABASE = Symbol('GATEWAY_DATABASE');
