import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { personaSchema } from '../../dialog/persona.ts';

/**
 * The simulated carrier's outcome mix for numbers that are not test numbers:
 * relative weights of each network outcome, of each way an answered conversation
 * ends, and the range of ringing times (talk time follows from the conversation). Set with OUTBOUNDBOT_SIM_PROFILE
 * (a JSON file path or inline JSON); fields left out keep these defaults.
 */
const weight = z.number().min(0).max(1_000_000);
const range = z.tuple([z.number().int().min(0), z.number().int().min(0)]).refine(([a, b]) => a <= b, 'min must not exceed max');

export const carrierProfileSchema = z.object({
  outcomes: z
    .object({
      answered: weight.default(55),
      noAnswer: weight.default(20),
      busy: weight.default(8),
      powerOff: weight.default(5),
      emptyNumber: weight.default(4),
      outOfService: weight.default(4),
      inArrears: weight.default(4),
    })
    .default({ answered: 55, noAnswer: 20, busy: 8, powerOff: 5, emptyNumber: 4, outOfService: 4, inArrears: 4 }),
  conversations: z
    .object({
      finished: weight.default(70),
      clientHangup: weight.default(15),
      noInteract: weight.default(5),
      unrecognized: weight.default(7),
      timeout: weight.default(3),
    })
    .default({ finished: 70, clientHangup: 15, noInteract: 5, unrecognized: 7, timeout: 3 }),
  /** Milliseconds a call rings before it is answered (capped by the group's RingingDuration). */
  ringMs: range.default([3_000, 15_000]),
  /** Callees of scripted calls by called number (src/dialog/persona.ts); others follow the test numbers and `conversations`. */
  personas: z.record(z.string(), personaSchema).default({}),
});

export type CarrierProfile = z.infer<typeof carrierProfileSchema>;

export const DEFAULT_PROFILE: CarrierProfile = carrierProfileSchema.parse({});

/** Reads a profile from inline JSON or a file path; throws a message naming the bad field. */
export function loadCarrierProfile(source: string | undefined): CarrierProfile {
  if (!source) return DEFAULT_PROFILE;
  const text = source.trim().startsWith('{') ? source : readFileSync(source, 'utf8');
  const result = carrierProfileSchema.safeParse(JSON.parse(text));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`carrier profile: ${issue.path.join('.')}: ${issue.message}`);
  }
  return result.data;
}
