import type { ConversationEnd } from '../domain/call-outcome.ts';
import type { ConversationTurn } from '../store/rows.ts';
import type { CallResults } from '../store/store.ts';
import { personaStep, type Persona, type PersonaStep } from './persona.ts';
import { turnIntent, type BotStep, type DialogSession } from './runtime.ts';
import type { Branch } from './flow.ts';
import type { CompiledScript } from './script-content.ts';

/**
 * A whole call between a script and a simulated callee, computed at once on the
 * engine's clock (no timers): the turns with their timestamps, how it ended and
 * what it recorded. Times follow from the texts: speech takes time per character,
 * a silent turn waits SILENCE_MS, and the call is cut at the talk limit
 * (TimeoutHangup).
 */

/** A conversation turn with the flow node it belongs to (what the node statistics count). */
export interface DialogTurn extends ConversationTurn {
  node?: string;
}

export interface ConversationOutcome {
  turns: DialogTurn[];
  talkMs: number;
  hangupDirection: 'client' | 'robot';
  end: ConversationEnd;
  results: CallResults;
}

/** How long the bot waits for an answer before counting silence. */
export const SILENCE_MS = 5_000;
/** The callee hangs up this long into its turn. */
const HANGUP_MS = 1_500;
const MAX_TURNS = 500;

/** Speaking time of a text: half a second plus 120 ms a character, at most 30 s. */
export function speakingMs(text: string): number {
  return Math.min(30_000, 500 + 120 * [...text].length);
}

export async function converse(session: DialogSession, script: CompiledScript, persona: Persona, answeredAt: number, talkLimitMs: number): Promise<ConversationOutcome> {
  const turns: DialogTurn[] = [];
  const deadline = answeredAt + talkLimitMs;
  let at = answeredAt;
  let timedOut = false;
  const robot = (step: BotStep) => {
    for (const line of step.say) {
      if (at >= deadline) return;
      turns.push({ speaker: 'Robot', text: line.text, timestamp: at, node: line.node });
      at += speakingMs(line.text);
    }
  };
  const finish = (end: ConversationEnd, by: 'client' | 'robot'): ConversationOutcome => ({
    turns,
    talkMs: Math.min(at, deadline) - answeredAt,
    hangupDirection: by,
    end,
    results: session.results(),
  });

  let step = session.start();
  robot(step);
  for (let turn = 0; !step.end && turn < MAX_TURNS; turn++) {
    if (at >= deadline) {
      timedOut = true;
      break;
    }
    const node = session.listening()!;
    const action = personaStep(persona, turn);
    if ('hangup' in action) {
      at += HANGUP_MS;
      session.hangUp();
      return finish('ClientHangup', 'client');
    }
    // A persona taking a branch that only a key leads to presses that key.
    const key = 'branch' in action ? keyOnly(node.branches ?? [], action.branch) : undefined;
    const text = key ?? ('silence' in action ? '' : utteranceFor(action, script, node.branches ?? []));
    const startedAt = at;
    at += 'silence' in action ? SILENCE_MS : 'ms' in action && action.ms !== undefined ? action.ms : speakingMs(text);
    step = key ? await session.press(key) : await session.hear(text);
    turns.push({ speaker: 'Contact', text, timestamp: startedAt, intent: turnIntent(step.heard!), node: node.id });
    if (at >= deadline) {
      timedOut = true;
      break;
    }
    robot(step);
  }
  if (timedOut || !step.end) {
    turns.push({ speaker: 'Robot', text: 'We are out of time, goodbye.', timestamp: deadline });
    at = deadline;
    return finish('TimeoutHangup', 'robot');
  }
  return finish(step.end.reason, step.end.by);
}

/** The key of the n-th branch (modulo the branches) when it has a key and no intent. */
function keyOnly(branches: readonly Branch[], n: number): string | undefined {
  const branch = branches[n % Math.max(1, branches.length)];
  return branch && branch.intent === undefined ? branch.dtmf : undefined;
}

/** The words a persona step stands for at a listen node with these branches. */
function utteranceFor(step: Exclude<PersonaStep, { hangup: true } | { silence: true }>, script: CompiledScript, branches: readonly Branch[]): string {
  if ('say' in step) return step.say;
  if ('question' in step) {
    const question = script.questions[step.question % Math.max(1, script.questions.length)];
    return question?.questions[0] ?? '';
  }
  const name = 'intent' in step ? step.intent : branches[step.branch % Math.max(1, branches.length)]?.intent;
  const intent = script.intents.find((i) => i.name === name);
  return intent?.utterances.find((u) => u.trim()) ?? intent?.keywords.find((k) => !k.startsWith('/')) ?? name ?? '';
}
