import type { Clock } from '../engine/clock.ts';
import type { Services } from '../services/services.ts';
import type { Caller } from './authenticator.ts';
import { decodeParams, type Decoded, type DecodeOptions, type Param, type ParamSpecs, type RawParams } from './params.ts';

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
 * What an action module declares: its wire name, the parameters it accepts, the RAM
 * action that authorizes it and its handler. Handlers only map wire shapes to a
 * service call and back; they throw ApiError and never build error bodies.
 */
export interface ActionSpec<S extends ParamSpecs, R extends ActionReply = ActionReply> {
  name: string;
  summary: string;
  /** Defaults to `outboundbot:<name>`. */
  ramAction?: string;
  /** The parameter naming the instance the RAM check is on; defaults to InstanceId (the instance policy's actions name it EntryId). */
  instanceParam?: string;
  params: S;
  handler(context: ActionContext, params: Decoded<S>): Promise<R>;
}

/** What a caller sends for parameters `S`: required ones as keys that must be given, the rest optional. */
export type RequestOf<S extends ParamSpecs> = {
  [K in keyof S as S[K] extends Param<unknown, true> ? K : never]: InputOf<S[K]>;
} & {
  [K in keyof S as S[K] extends Param<unknown, true> ? never : K]?: InputOf<S[K]>;
};

type InputOf<P> = P extends { readonly input?: infer I } ? I : never;

/**
 * A registered action, its parameter types closed over: `run` decodes the raw
 * parameters against `params` (every failure a 400 naming the parameter) and calls
 * the handler with typed values. Every action module exports a list of these.
 */
export interface ActionDefinition<Request = unknown, Reply extends ActionReply = ActionReply> {
  readonly name: string;
  readonly summary: string;
  readonly ramAction?: string;
  readonly instanceParam?: string;
  readonly params: ParamSpecs;
  run(context: ActionContext, raw: RawParams, options?: DecodeOptions): Promise<ActionReply>;
  /**
   * Never set at run time: the request and reply types, kept for the compiler so that
   * scripts/generate-client.ts can write the typed client's declarations from them.
   */
  readonly types?: { request: Request; reply: Reply };
}

/**
 * Lets TypeScript infer the decoded parameter types for the handler, then hides them
 * behind `run`; the request and reply types stay on the result's type (`types`).
 */
export function defineAction<S extends ParamSpecs, R extends ActionReply>(spec: ActionSpec<S, R>): ActionDefinition<RequestOf<S>, R> {
  const { handler, ...described } = spec;
  return { ...described, run: (context, raw, options) => handler(context, decodeParams(spec.params, raw, options)) };
}

export function ramActionOf(action: ActionDefinition): string {
  return action.ramAction ?? `outboundbot:${action.name}`;
}
