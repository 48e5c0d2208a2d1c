/**
 * `import { OutboundBotClient } from 'outboundbot/client'`: the typed client for Node.
 * It needs nothing from the server's modules (no fastify, no database driver): only
 * node:crypto, fetch and the signature code the server verifies with.
 */
export { OutboundBotClient, type ClientOptions } from './client.ts';
export { OutboundBotError, CLIENT_TIMEOUT, NETWORK_ERROR } from './client-error.ts';
export type { CallOptions, Envelope } from './call-options.ts';
export type { RetryOptions } from './retry.ts';
export type * from './generated/actions.ts';
export type { ActionMethods, ActionName } from './action-methods.ts';
