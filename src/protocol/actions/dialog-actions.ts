import type { ActionDefinition } from '../action.ts';

/** The dialog actions: flows, intents, global questions, block list, Dialogue, statistics. */
export const DIALOG_ACTIONS: readonly ActionDefinition[] = [];
