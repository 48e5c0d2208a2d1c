import { z } from 'zod';
import type { PolicyDocument } from '../store/rows.ts';

/**
 * RAM-style authorization for sub-user AccessKeys.
 *
 * A policy is a list of Allow/Deny statements over actions (`outboundbot:GetJobGroup`,
 * `outboundbot:Get*`) and resources (`acs:outboundbot:*:<account>:instance/<id>`).
 * As in RAM: an explicit Deny wins over any Allow, and anything not allowed is
 * denied. Actions match case-insensitively, resources exactly; `*` matches any run
 * of characters and `?` one character.
 */
export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

const stringOrList = z.union([z.string(), z.array(z.string()).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

export const policyDocumentSchema = z.object({
  Version: z.string().default('1'),
  Statement: z
    .array(
      z.object({
        Effect: z.enum(['Allow', 'Deny']),
        Action: stringOrList,
        Resource: stringOrList.default(['*']),
      }),
    )
    .min(1),
});

/** Validates and normalises a policy document (single strings become lists). */
export function parsePolicy(input: unknown): PolicyDocument {
  return policyDocumentSchema.parse(input);
}

export function resourceName(accountId: string, instanceId: string | undefined): string {
  return `acs:outboundbot:*:${accountId}:instance/${instanceId ?? '*'}`;
}

export function evaluatePolicy(policy: PolicyDocument, action: string, resource: string): Decision {
  let allowed = false;
  for (const statement of policy.Statement) {
    const actionMatches = statement.Action.some((pattern) => wildcardMatch(pattern.toLowerCase(), action.toLowerCase()));
    if (!actionMatches) continue;
    const resourceMatches = statement.Resource.some((pattern) => wildcardMatch(pattern, resource));
    if (!resourceMatches) continue;
    if (statement.Effect === 'Deny') return 'ExplicitDeny';
    allowed = true;
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

/** Glob match with `*` and `?` only, iterative so hostile patterns cannot blow the stack. */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    // `*` is tested first: resource names contain a literal `*` themselves
    // (acs:outboundbot:*:...), which must not turn the pattern's `*` into a literal.
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
