import { ApiError } from '../domain/errors.ts';
import { FlowError } from '../dialog/flow.ts';
import { compileScript, type CompiledScript, type ScriptContent } from '../dialog/script-content.ts';

/**
 * The check a script's content passes before it is frozen (PublishScript) or
 * imported: its own module, so the script and dialog services both use it without
 * importing each other.
 */

export const invalidFlow = (error: FlowError) => new ApiError('InvalidDialogueFlow', error.message);

/** Checks a whole script's content before it is frozen (PublishScript) or imported. */
export function checkContent(content: ScriptContent, nluEngine: string): CompiledScript | undefined {
  if (content.flows.length === 0) return undefined;
  try {
    return compileScript(content, nluEngine);
  } catch (error) {
    if (error instanceof FlowError) throw invalidFlow(error);
    throw error;
  }
}
