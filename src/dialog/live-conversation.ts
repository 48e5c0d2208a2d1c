import type { Contact } from '../store/rows.ts';
import type { CallResults } from '../store/store.ts';
import type { BotStep } from './runtime.ts';

/**
 * What a live call talks through: the script's DialogSession, or, for a job without a
 * published flow, the minimal conversation below. Both are step-based and clock-free;
 * live-call.ts brings the timers.
 */
export interface LiveConversation {
  start(): BotStep;
  /** The callee's turn: a key press as its text, or undefined for silence. */
  hear(text: string | undefined): Promise<BotStep>;
  /** The callee pressed a key (a listen node's `dtmf` branch, else heard as text). */
  press(key: string): Promise<BotStep>;
  hangUp(): BotStep;
  results(): CallResults | undefined;
}

/**
 * A greeting and one question: any answer (a key, as there is no speech recognition yet)
 * closes the call as Finished, silence as NoInteract. The same words as the simulated
 * carrier's minimal conversation, so a job sounds alike on both carriers.
 */
export class MinimalLiveConversation implements LiveConversation {
  private ended: BotStep['end'];

  constructor(private readonly contact: Contact) {}

  start(): BotStep {
    const name = `${this.contact.name ?? ''}${this.contact.honorific ?? ''}`.trim() || 'there';
    return { say: [this.line(`Hello ${name}, this is an automated call. Do you have a minute?`)] };
  }

  async hear(text: string | undefined): Promise<BotStep> {
    if (this.ended) return { say: [], end: this.ended };
    if (!text) {
      this.ended = { reason: 'NoInteract', by: 'robot', action: 'hangup' };
      return { say: [this.line('I cannot hear you, goodbye.')], heard: { kind: 'silence', score: 1 }, end: this.ended };
    }
    this.ended = { reason: 'Finished', by: 'robot', action: 'hangup' };
    return { say: [this.line('Thank you. We will follow up as agreed. Goodbye.')], heard: { kind: 'intent', name: 'Affirm', score: 1 }, end: this.ended };
  }

  /** Any key is an answer here. */
  press(key: string): Promise<BotStep> {
    return this.hear(key);
  }

  hangUp(): BotStep {
    this.ended ??= { reason: 'ClientHangup', by: 'client', action: 'hangup' };
    return { say: [], end: this.ended };
  }

  results(): CallResults | undefined {
    return undefined;
  }

  private line(text: string) {
    return { text, node: 'minimal', flow: 'minimal' };
  }
}
