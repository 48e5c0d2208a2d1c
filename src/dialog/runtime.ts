import type { ConversationEnd } from '../domain/call-outcome.ts';
import type { CallResults } from '../store/store.ts';
import { DEFAULT_NO_MATCH, DEFAULT_SILENCE, fillVariables, type FlowNode, type Retry } from './flow.ts';
import type { Nlu, NluCandidate } from './nlu.ts';
import { isOptOut } from './opt-out.ts';
import type { CompiledScript } from './script-content.ts';
import { hasCjk } from './tokenizer.ts';

/**
 * One conversation between a script and a callee, step by step. The session holds
 * no timers and reads no clock: the caller (the simulated carrier, the Dialogue
 * action) decides when each step happens. Its state is a plain object so it can be
 * kept between Dialogue requests.
 *
 * Modes: a session is LISTENING at a listen node between steps, or ENDED. Entering
 * nodes runs say nodes through until a listen node (LISTENING) or a hangup /
 * transfer node (ENDED, Finished). Hearing moves from LISTENING by the intent heard,
 * a re-prompt (silence, no match, a global question answered) or to ENDED when a
 * limit is passed (NoInteract, Unrecognized) or the callee opts out (Finished).
 */

export interface BotUtterance {
  text: string;
  node: string;
  flow: string;
}

/** What the callee's utterance was taken to be. */
export interface Heard {
  kind: 'intent' | 'key' | 'question' | 'noMatch' | 'silence' | 'optOut';
  /** The intent or global question's name; the key for `key`. */
  name?: string;
  score: number;
  /** Set when the NLU engine failed and the built-in one answered. */
  error?: string;
}

export interface SessionEnd {
  reason: ConversationEnd;
  by: 'robot' | 'client';
  action: 'hangup' | 'transfer';
}

export interface BotStep {
  say: BotUtterance[];
  heard?: Heard;
  end?: SessionEnd;
}

export interface SessionState {
  flow: string;
  node: string;
  silences: number;
  noMatches: number;
  briefs: Record<string, string>;
  categories: string[];
  optOut: boolean;
  end?: SessionEnd;
}

/** Say nodes entered in a row without listening before the session gives up (a loop in the graph). */
const MAX_STEPS_WITHOUT_LISTENING = 200;
export const OPT_OUT_BRIEF = 'OptOut';

const CANDIDATES = new WeakMap<CompiledScript, WeakMap<FlowNode, readonly NluCandidate[]>>();

export class DialogSession {

  constructor(
    private readonly script: CompiledScript,
    private readonly values: Readonly<Record<string, string>>,
    private readonly nlu: Nlu,
    private readonly fallback: Nlu,
    readonly state: SessionState = { flow: script.mainFlow, node: '', silences: 0, noMatches: 0, briefs: {}, categories: [], optOut: false },
  ) {}

  get ended(): SessionEnd | undefined {
    return this.state.end;
  }

  /** The listen node waiting for the callee, if any. */
  listening(): FlowNode | undefined {
    if (this.state.end || !this.state.node) return undefined;
    return this.nodeOf(this.state.flow, this.state.node);
  }

  /** Enters the main flow's start node. */
  start(): BotStep {
    const say: BotUtterance[] = [];
    this.enter(`@${this.script.mainFlow}`, say);
    return { say, ...(this.state.end ? { end: this.state.end } : {}) };
  }

  /** The callee hung up. */
  hangUp(): BotStep {
    this.state.end ??= { reason: 'ClientHangup', by: 'client', action: 'hangup' };
    return { say: [], end: this.state.end };
  }

  /**
   * The callee pressed a key: the listen node's branch with that `dtmf` is taken; a key
   * no branch names is heard as its text (so an intent's keyword may still match it).
   */
  async press(key: string): Promise<BotStep> {
    const node = this.listening();
    const branch = node?.branches!.find((b) => b.dtmf === key);
    if (!branch) return this.hear(key);
    this.state.silences = 0;
    this.state.noMatches = 0;
    const say: BotUtterance[] = [];
    this.enter(branch.next, say);
    return this.step(say, { kind: 'key', name: key, score: 1 });
  }

  /** The callee's turn: what was said, or undefined / blank for silence. */
  async hear(text: string | undefined): Promise<BotStep> {
    const node = this.listening();
    if (!node) return { say: [], ...(this.state.end ? { end: this.state.end } : {}) };
    const say: BotUtterance[] = [];
    const utter = (line: string | undefined) => this.utter(line, node, say);
    if (!text || !text.trim()) {
      this.state.silences++;
      this.retryOrLeave(this.state.silences, node.silence ?? DEFAULT_SILENCE, 'NoInteract', node, say);
      return this.step(say, { kind: 'silence', score: 1 });
    }
    this.state.silences = 0;
    if (isOptOut(text)) {
      this.state.optOut = true;
      this.state.briefs[OPT_OUT_BRIEF] = 'true';
      utter(hasCjk(text) ? '好的，我们不会再给您打电话了，再见。' : 'Understood, we will not call you again. Goodbye.');
      this.finish({ reason: 'Finished', by: 'robot', action: 'hangup' });
      return this.step(say, { kind: 'optOut', score: 1 });
    }
    const candidates = this.candidatesAt(node);
    let match;
    try {
      match = await this.nlu.classify(text, candidates);
    } catch (error) {
      match = { ...(await this.fallback.classify(text, candidates)), error: error instanceof Error ? error.message : String(error) };
    }
    const branch = match.intent ? node.branches!.find((b) => b.intent === match.intent) : undefined;
    const question = !branch && match.intent ? this.script.questions.find((q) => q.name === match.intent) : undefined;
    const error = match.error ? { error: match.error } : {};
    if (branch) {
      this.state.noMatches = 0;
      this.enter(branch.next, say);
      return this.step(say, { kind: 'intent', name: branch.intent, score: match.score, ...error });
    }
    if (question) {
      // A global question is answered, then the node asks its question again.
      utter(question.answers[0]);
      utter(node.text);
      return this.step(say, { kind: 'question', name: question.name, score: match.score, ...error });
    }
    this.state.noMatches++;
    this.retryOrLeave(this.state.noMatches, node.noMatch ?? DEFAULT_NO_MATCH, 'Unrecognized', node, say);
    return this.step(say, { kind: 'noMatch', score: match.score, ...error });
  }

  /**
   * After the `count`th silence or unmatched answer in a row: within the node's
   * limit it asks again (its retry text, else its question); past it the call
   * moves to the retry's next node, or the robot hangs up for `reason`.
   */
  private retryOrLeave(count: number, retry: Retry, reason: 'NoInteract' | 'Unrecognized', node: FlowNode, say: BotUtterance[]): void {
    if (count <= retry.limit) this.utter(retry.text ?? node.text, node, say);
    else if (retry.next) this.enter(retry.next, say);
    else this.finish({ reason, by: 'robot', action: 'hangup' });
  }

  /** The business results so far. */
  results(): CallResults {
    return {
      briefs: Object.entries(this.state.briefs).map(([key, value]) => ({ key, value })),
      categories: [...this.state.categories],
      ...(this.state.optOut ? { optOut: true } : {}),
    };
  }

  private step(say: BotUtterance[], heard: Heard): BotStep {
    return { say, heard, ...(this.state.end ? { end: this.state.end } : {}) };
  }

  private finish(end: SessionEnd): void {
    this.state.end = end;
  }

  private utter(text: string | undefined, node: FlowNode, say: BotUtterance[]): void {
    if (text) say.push({ text: fillVariables(text, this.values), node: node.id, flow: this.state.flow });
  }

  private nodeOf(flow: string, id: string): FlowNode {
    const definition = this.script.flows.get(flow)!;
    return definition.nodes.find((node) => node.id === id)!;
  }

  /**
   * What may be heard at a listen node: its branch intents, then the global
   * questions. One array per node and compiled script, shared by every session of
   * that script, so the NLU's per-list index is built once.
   */
  private candidatesAt(node: FlowNode): readonly NluCandidate[] {
    let perNode = CANDIDATES.get(this.script);
    if (!perNode) CANDIDATES.set(this.script, (perNode = new WeakMap()));
    let candidates = perNode.get(node);
    if (!candidates) {
      const byName = new Map(this.script.intents.map((intent) => [intent.name, intent]));
      const questions = this.script.questions.map((q) => ({ name: q.name, utterances: q.questions, keywords: [] }));
      candidates = [...node.branches!.map((b) => (b.intent === undefined ? undefined : byName.get(b.intent))).filter((intent) => intent !== undefined), ...questions];
      perNode.set(node, candidates);
    }
    return candidates;
  }

  /** Runs nodes from `target` until one listens or ends the call. */
  private enter(target: string, say: BotUtterance[]): void {
    this.state.silences = 0;
    this.state.noMatches = 0;
    let next: string | undefined = target;
    for (let steps = 0; next !== undefined; steps++) {
      if (steps >= MAX_STEPS_WITHOUT_LISTENING) {
        this.finish({ reason: 'Finished', by: 'robot', action: 'hangup' });
        return;
      }
      if (next.startsWith('@')) {
        this.state.flow = next.slice(1);
        next = this.script.flows.get(this.state.flow)!.start;
      }
      const node = this.nodeOf(this.state.flow, next);
      this.state.node = node.id;
      for (const [key, value] of Object.entries(node.briefs ?? {})) this.state.briefs[key] = fillVariables(value, this.values);
      if (node.category && !this.state.categories.includes(node.category)) this.state.categories.push(node.category);
      this.utter(node.text, node, say);
      switch (node.type) {
        case 'say':
          next = node.next;
          break;
        case 'listen':
          return;
        case 'hangup':
        case 'transfer':
          this.finish({ reason: 'Finished', by: 'robot', action: node.type });
          return;
      }
    }
  }
}

/** The intent a callee's turn is recorded with (ActionParams, the statistics): a key as `DTMF:1`. */
export function turnIntent(heard: Heard): string {
  switch (heard.kind) {
    case 'silence':
      return 'Silence';
    case 'noMatch':
      return 'NoMatch';
    case 'optOut':
      return 'OptOut';
    case 'key':
      return `DTMF:${heard.name}`;
    default:
      return heard.name ?? heard.kind;
  }
}

/** The values `${variable}` draws from: the contact, then the job's extras (which may override). */
export function variableValues(contact: { name?: string; honorific?: string; phoneNumber?: string; referenceId?: string }, extras: ReadonlyArray<{ key: string; value: string }>): Record<string, string> {
  const values: Record<string, string> = {
    name: contact.name ?? '',
    honorific: contact.honorific ?? '',
    phoneNumber: contact.phoneNumber ?? '',
    referenceId: contact.referenceId ?? '',
  };
  for (const { key, value } of extras) values[key] = value;
  return values;
}
