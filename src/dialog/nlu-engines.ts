import { loadLlmSettings, type LlmSettings } from '../config/config.ts';
import { LlmNlu } from './llm-nlu.ts';
import { BuiltinNlu, type Nlu } from './nlu.ts';

/**
 * Which NLU a script's NluEngine selects. `Prompts`, `LLM` and `External` (any case)
 * ask the external engine when OUTBOUNDBOT_LLM_URL is set; everything else (and
 * those too when it is not set) uses the built-in engine, so the emulator needs
 * nothing outside.
 */
export const EXTERNAL_ENGINES = new Set(['prompts', 'llm', 'external']);

export const builtinNlu = new BuiltinNlu();

export function nluFor(nluEngine: string, settings: LlmSettings | undefined = environmentLlm()): Nlu {
  if (!settings || !EXTERNAL_ENGINES.has(nluEngine.toLowerCase())) return builtinNlu;
  return new LlmNlu(settings);
}

function environmentLlm(): LlmSettings | undefined {
  try {
    return loadLlmSettings(process.env);
  } catch {
    return undefined; // loadConfig refuses bad settings at startup
  }
}
