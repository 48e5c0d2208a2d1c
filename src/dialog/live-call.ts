import type { ConversationEnd } from '../domain/call-outcome.ts';
import type { Clock } from '../engine/clock.ts';
import type { Tts } from '../speech/tts/tts.ts';
import type { ConversationTurn } from '../store/rows.ts';
import type { LiveConversation } from './live-conversation.ts';
import { turnIntent, type BotStep, type SessionEnd } from './runtime.ts';

/**
 * Drives a step-based conversation from a live call's events: each step's prompts are
 * rendered and played in turn; at a listen node the callee has `listenTimeoutMs` from
 * the end of the prompt to press a key, else the turn is silence. A key pressed while
 * the listen node's prompts play cuts them short and is the answer (barge-in: callees
 * who know the menu do not wait for it). The call ends when the
 * conversation ends (after its last prompt has played), when the callee hangs up, when
 * the media stops (the line is gone), or at the talk limit. `onEnd` is called once.
 *
 * Timers (all documented in docs/telephony.md):
 * - listenTimeoutMs: a listen node's wait for a key after its prompt;
 * - talkLimitMs: the longest conversation (DialRequest.talkLimitMs), then TimeoutHangup;
 * - hangupTailMs: the line stays open this long after the last prompt before the call
 *   ends, so the callee's jitter buffer plays out the last words before our BYE.
 */
export interface CallLine {
  play(samples: Int16Array): Promise<void>;
  /** Drops queued audio. */
  flush(): void;
}

export interface LiveCallEnd {
  conversationEnd: ConversationEnd;
  hangupDirection: 'client' | 'robot';
}

export interface LiveCallOptions {
  conversation: LiveConversation;
  line: CallLine;
  tts: Tts;
  clock: Clock;
  listenTimeoutMs: number;
  talkLimitMs: number;
  hangupTailMs: number;
  onEnd(end: LiveCallEnd): void;
  /** A prompt that could not be rendered or played (logged by the carrier); the call goes on. */
  onError?(error: unknown): void;
}

export class LiveCall {
  readonly turns: ConversationTurn[] = [];
  private ended = false;
  private talkTimer: NodeJS.Timeout | undefined;
  private listenTimer: NodeJS.Timeout | undefined;
  private tailTimer: NodeJS.Timeout | undefined;
  private awaitingKey: ((key: string | undefined) => void) | undefined;
  /** True while the prompts of a step that listens next are playing. */
  private bargeInOpen = false;
  /** A key pressed during those prompts: the answer of the listen that follows. */
  private bargedIn: string | undefined;

  constructor(private readonly options: LiveCallOptions) {}

  /** The call is answered: `first` is the conversation's start step (rendered early, while ringing). */
  start(first: BotStep): void {
    this.talkTimer = setTimeout(() => this.finish({ conversationEnd: 'TimeoutHangup', hangupDirection: 'robot' }), this.options.talkLimitMs);
    void this.run(first).catch((error) => {
      this.options.onError?.(error);
      this.finish({ conversationEnd: 'Finished', hangupDirection: 'robot' });
    });
  }

  key(key: string): void {
    if (this.awaitingKey) this.awaitingKey(key);
    else if (this.bargeInOpen && this.bargedIn === undefined) {
      this.bargedIn = key;
      this.options.line.flush();
    }
  }

  /** The callee hung up (BYE), or the media stopped: the line is gone either way. */
  lineGone(): void {
    const end = this.options.conversation.hangUp().end!;
    this.finish({ conversationEnd: end.reason, hangupDirection: end.by });
  }

  private async run(step: BotStep): Promise<void> {
    for (;;) {
      this.bargeInOpen = !step.end;
      for (const utterance of step.say) {
        if (this.ended) return;
        if (this.bargedIn !== undefined) break;
        this.turns.push({ speaker: 'Robot', text: utterance.text, timestamp: this.options.clock.now() });
        try {
          const samples = await this.options.tts.render(utterance.text);
          if (this.bargedIn === undefined && !this.ended) await this.options.line.play(samples); // a key during the render cuts it too
        } catch (error) {
          this.options.onError?.(error);
        }
      }
      this.bargeInOpen = false;
      if (this.ended) return;
      if (step.end) {
        const end = step.end;
        this.tailTimer = setTimeout(() => this.finishBy(end), this.options.hangupTailMs);
        return;
      }
      const key = await this.listen();
      if (this.ended) return;
      step = key === undefined ? await this.options.conversation.hear(undefined) : await this.options.conversation.press(key);
      this.turns.push({ speaker: 'Contact', text: key ?? '', timestamp: this.options.clock.now(), intent: step.heard ? turnIntent(step.heard) : 'Silence' });
    }
  }

  private listen(): Promise<string | undefined> {
    const early = this.bargedIn;
    this.bargedIn = undefined;
    if (early !== undefined) return Promise.resolve(early);
    return new Promise((resolve) => {
      const done = (key: string | undefined) => {
        clearTimeout(this.listenTimer);
        this.awaitingKey = undefined;
        resolve(key);
      };
      this.awaitingKey = done;
      this.listenTimer = setTimeout(() => done(undefined), this.options.listenTimeoutMs);
    });
  }

  private finishBy(end: SessionEnd): void {
    this.finish({ conversationEnd: end.reason, hangupDirection: end.by });
  }

  private finish(end: LiveCallEnd): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.talkTimer);
    clearTimeout(this.tailTimer);
    this.options.line.flush();
    this.awaitingKey?.(undefined);
    this.options.onEnd(end);
  }
}
