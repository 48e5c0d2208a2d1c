import type { CallOptions, Envelope } from './call-options.ts';
import type { ActionTypes } from './generated/actions.ts';

export type ActionName = keyof ActionTypes;

/**
 * A method per action, named as the action with a lower-case first letter; the
 * request may be left out where no parameter is required.
 */
export type ActionMethods = {
  [A in ActionName as Uncapitalize<A>]: (
    ...call: {} extends ActionTypes[A]['request']
      ? [request?: ActionTypes[A]['request'], options?: CallOptions]
      : [request: ActionTypes[A]['request'], options?: CallOptions]
  ) => Promise<ActionTypes[A]['reply'] & Envelope>;
};
