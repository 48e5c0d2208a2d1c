import { z } from 'zod';
import type { ConversationEnd } from '../domain/call-outcome.ts';

/**
 * The simulated callee: what it does at each of its turns. Steps run in order, then
 * `then` repeats (hanging up when absent). A step either says a literal text, says
 * an example of an intent (by name, or by the index of a branch of the node that is
 * listening, so one persona fits any script), asks a global question, stays silent
 * or hangs up.
 */
export const personaStepSchema = z.union([
  z.object({ say: z.string().max(2_000), ms: z.number().int().min(0).max(3_600_000).optional() }).strict(),
  z.object({ intent: z.string().min(1).max(256) }).strict(),
  z.object({ branch: z.number().int().min(0).max(1_000) }).strict(),
  z.object({ question: z.number().int().min(0).max(1_000) }).strict(),
  z.object({ silence: z.literal(true) }).strict(),
  z.object({ hangup: z.literal(true) }).strict(),
]);

export const personaSchema = z.object({
  steps: z.array(personaStepSchema).max(1_000),
  then: personaStepSchema.optional(),
});

export type PersonaStep = z.infer<typeof personaStepSchema>;
export type Persona = z.infer<typeof personaSchema>;

export function personaStep(persona: Persona, turn: number): PersonaStep {
  return persona.steps[turn] ?? persona.then ?? { hangup: true };
}

/** Someone who goes along with the script, taking branch `branch` at every question. */
export const cooperative = (branch = 0): Persona => ({ steps: [], then: { branch } });

/**
 * The persona behind each conversation end the test numbers and the carrier
 * profile choose. With a script whose flow routes silence or unmatched speech
 * elsewhere (`silence.next`, `noMatch.next`) the end follows the script instead.
 */
export function personaForEnd(end: ConversationEnd, branch: number, talkLimitMs: number): Persona {
  switch (end) {
    case 'Finished':
      return cooperative(branch);
    case 'ClientHangup':
      return { steps: [{ hangup: true }] };
    case 'NoInteract':
      return { steps: [], then: { silence: true } };
    case 'Unrecognized':
      return { steps: [], then: { say: 'Mmh... blue seventeen?' } };
    case 'TimeoutHangup':
      return { steps: [{ say: 'Well, let me tell you the whole story from the very beginning...', ms: talkLimitMs }] };
  }
}

/** Test numbers 19900001200 (English) and 19900001201 (Chinese): the callee asks not to be called again. */
export function optOutPersona(code: number): Persona {
  return { steps: [{ say: code % 2 === 0 ? "Please don't call me again." : '以后不要再打了' }] };
}

/** Test numbers 1990000 13xx: the callee asks the first global question, then takes branch xx. */
export function questionPersona(branch: number): Persona {
  return { steps: [{ question: 0 }], then: { branch } };
}
