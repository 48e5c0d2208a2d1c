import type { Logger } from 'pino';
import { ApiError, invalidParameter, missingParameter } from '../domain/errors.ts';
import type { Clock } from '../engine/clock.ts';
import type { Services } from '../services/services.ts';
import { ramActionOf, type ActionDefinition } from './action.ts';
import type { Authenticator, Caller, SignedRequest } from './authenticator.ts';
import { successBody } from './envelope.ts';
import type { DecodeOptions, RawParams } from './params.ts';
import { evaluatePolicy, resourceName } from './ram-policy.ts';

export const API_VERSION = '2019-12-26';

/**
 * The RPC pipeline for one request: authenticate, check version and action,
 * authorize, run the action (which decodes its parameters), wrap the reply. Every failure is
 * thrown to the app's one error handler (src/server/error-handler.ts), so each
 * action gets the identical envelope and no handler builds an error body.
 */
export class Gateway {
  private readonly actions: ReadonlyMap<string, ActionDefinition>;

  constructor(
    actions: readonly ActionDefinition[],
    private readonly authenticator: Authenticator,
    private readonly services: Services,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** OUTBOUNDBOT_STRICT: refuse the keys of JSON parameters nobody knows instead of logging them. */
    private readonly strict = false,
  ) {
    this.actions = new Map(actions.map((action) => [action.name, action]));
  }

  /** The success body for `request`; throws ApiError for anything the caller got wrong. */
  async handle(request: SignedRequest, requestId: string): Promise<Record<string, unknown>> {
    const caller = await this.authenticator.authenticate(request);
    const params = new Map([...request.query, ...request.body]);
    const version = params.get('Version') ?? header(request, 'x-acs-version');
    if (!version) throw missingParameter('Version');
    if (version !== API_VERSION) throw new ApiError('InvalidVersion', `Version ${version.slice(0, 20)} is not supported; use ${API_VERSION}.`);
    const actionName = params.get('Action') ?? header(request, 'x-acs-action');
    if (!actionName) throw missingParameter('Action');
    return this.runAction(caller, actionName, params, requestId);
  }

  /**
   * The pipeline after authentication, for a caller already known: the signed RPC
   * endpoint above and the web console's session endpoint (src/server/console/) both
   * come through here, so the registry, the RAM check and the actions' own account
   * isolation are the same code for both.
   */
  async runAction(caller: Caller, actionName: string, params: RawParams, requestId: string): Promise<Record<string, unknown>> {
    const action = this.actions.get(actionName);
    if (!action) throw new ApiError('InvalidAction.NotFound', `The action ${actionName.slice(0, 64)} is not supported.`);
    this.authorize(caller, ramActionOf(action), params.get(action.instanceParam ?? 'InstanceId') || undefined);
    const reply = await action.run({ caller, services: this.services, requestId, clock: this.clock }, params, this.decodeOptions(action.name, requestId));
    return successBody(requestId, reply);
  }

  /** A sub-user's RAM policy must allow `ramAction` on the instance (or on every instance); root keys may do anything. */
  authorize(caller: Caller, ramAction: string, instanceId: string | undefined): void {
    if (caller.isRoot) return;
    const resource = resourceName(caller.accountId, instanceId);
    const decision = caller.policy ? evaluatePolicy(caller.policy, ramAction, resource) : 'ImplicitDeny';
    if (decision !== 'Allow') {
      throw new ApiError('Forbidden.RAM', `You are not authorized to do action ${ramAction} on resource ${resource}.`);
    }
  }

  /**
   * A key of a JSON parameter nobody knows (StrategyJson's `maxAttemptPerDay`, a typo
   * that would leave the default in force) is named in a warning and ignored, or, on a
   * strict server, refused: an emulator that catches the typo before production.
   */
  private decodeOptions(action: string, requestId: string): DecodeOptions {
    return {
      unknownKeys: (parameter, keys) => {
        if (this.strict) throw invalidParameter(`${parameter}.${keys[0]}`, `unknown key (OUTBOUNDBOT_STRICT=true refuses keys ${parameter} does not have)`);
        this.logger.warn({ requestId, action, parameter, keys }, `${parameter} has keys nobody knows, ignored: ${keys.join(', ')}`);
      },
    };
  }
}

function header(request: SignedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
