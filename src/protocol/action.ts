import type { Clock } from '../engine/clock.ts';
import type { Services } from '../services/services.ts';
import type { Caller } from './authenticator.ts';
import type { Decoded, ParamSpecs } from './params.ts';

export interface ActionContext {
  caller: Caller;
  services: Services;
  requestId: string;
  /** The engine's clock (virtual on the emulator), for durations in replies. */
  clock: Clock;
}

/** The action's own response fields; the gateway adds RequestId, Success, Code, HttpStatusCode and Message. */
export type ActionReply = Record<string, unknown>;

/**
 * One API action: its wire name, the parameters it accepts, the RAM action that
 * authorizes it and its handler. Handlers only map wire shapes to a service call
 * and back; they throw ApiError and never build error bodies.
 */
export interface ActionDefinition<S extends ParamSpecs = ParamSpecs> {
  name: string;
  summary: string;
  /** Defaults to `outboundbot:<name>`. */
  ramAction?: string;
  params: S;
  handler(context: ActionContext, params: Decoded<S>): Promise<ActionReply>;
}

/** Identity function that lets TypeScript infer the decoded parameter types for the handler. */
export function defineAction<S extends ParamSpecs>(definition: ActionDefinition<S>): ActionDefinition<S> {
  return definition;
}

export function ramActionOf(action: ActionDefinition): string {
  return action.ramAction ?? `outboundbot:${action.name}`;
}
