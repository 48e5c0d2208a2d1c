import type { ActionDefinition } from '../action.ts';

/** The contact-list upload, parsing and export actions (issue: xlsx/CSV in, results out). */
export const FILE_ACTIONS: readonly ActionDefinition[] = [];
