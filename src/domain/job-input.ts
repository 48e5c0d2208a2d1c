import { z } from 'zod';

/**
 * One job of AssignJobs' JobsJson.N, as the public API documents it:
 * `{"referenceId","contacts":[{"phoneNumber","name","honorific","referenceId"}],"extras":[{"key","value"}]}`.
 */
export const PHONE_NUMBER = /^\+?\d{3,20}$/;

export const jobInputSchema = z.object({
  referenceId: z.string().max(128).optional(),
  contacts: z
    .array(
      z.object({
        phoneNumber: z.string().regex(PHONE_NUMBER, 'expected a phone number of 3 to 20 digits'),
        name: z.string().max(128).optional(),
        honorific: z.string().max(64).optional(),
        referenceId: z.string().max(128).optional(),
        role: z.string().max(64).optional(),
      }),
    )
    .min(1, 'a job needs at least one contact')
    .max(20),
  extras: z
    .array(z.object({ key: z.string().min(1).max(128), value: z.union([z.string().max(4096), z.number(), z.boolean()]).transform(String) }))
    .max(100)
    .optional(),
});

export type JobInput = z.infer<typeof jobInputSchema>;

/** Most jobs one AssignJobs call may carry. */
export const MAX_JOBS_PER_ASSIGNMENT = 99;
