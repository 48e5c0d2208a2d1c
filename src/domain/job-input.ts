import { z } from 'zod';
import { withE164 } from './phone-number.ts';

const contactInputSchema = z
  .object({
    phoneNumber: z.string().max(32),
    name: z.string().max(128).optional(),
    honorific: z.string().max(64).optional(),
    referenceId: z.string().max(128).optional(),
    role: z.string().max(64).optional(),
  })
  // The job keeps the number as written for replies and carries `e164` for the block list's match.
  .transform(withE164);

/**
 * One job of AssignJobs' JobsJson.N, as the public API documents it:
 * `{"referenceId","contacts":[{"phoneNumber","name","honorific","referenceId"}],"extras":[{"key","value"}]}`.
 */
export const jobInputSchema = z.object({
  referenceId: z.string().max(128).optional(),
  contacts: z
    .array(contactInputSchema)
    .min(1, 'a job needs at least one contact')
    .max(20),
  extras: z
    .array(z.object({ key: z.string().min(1).max(128), value: z.union([z.string().max(4096), z.number(), z.boolean()]).transform(String) }))
    .max(100)
    .optional(),
});

type ParsedJob = z.infer<typeof jobInputSchema>;

/** A job to create; a contact's `e164` is set by jobInputSchema, and computed for in-process callers that leave it out. */
export type JobInput = Omit<ParsedJob, 'contacts'> & { contacts: Array<Omit<ParsedJob['contacts'][number], 'e164'> & { e164?: string }> };

/** Most jobs one AssignJobs call may carry. */
export const MAX_JOBS_PER_ASSIGNMENT = 99;
