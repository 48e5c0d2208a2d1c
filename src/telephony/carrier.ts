import type { CallResult, ConversationEnd } from '../domain/call-outcome.ts';
import type { CallDialog } from '../dialog/call-dialog.ts';
import type { Contact, ConversationTurn, KeyValue } from '../store/rows.ts';
import type { CallResults } from '../store/store.ts';

/**
 * The line to the telephone network. The engine dials only under a lease it has
 * recorded, and hears back exactly once per call through `onEnded`.
 */
export interface DialRequest {
  callId: string;
  jobId: string;
  /** 1 for a job's first attempt, 2 for its second ... */
  attempt: number;
  callingNumber: string;
  calledNumber: string;
  contact: Contact;
  extras: KeyValue[];
  /** How long to ring before giving up (the group's RingingDuration). */
  ringingTimeoutMs: number;
  /** Longest conversation before the bot hangs up. */
  talkLimitMs: number;
  startedAt: number;
  /** The script version the job runs; absent (no published flow): the minimal conversation. */
  dialog?: CallDialog;
}

export interface CallReport {
  result: CallResult;
  /** When the call ended, on the engine's clock. */
  endedAt: number;
  ringingMs: number;
  talkMs: number;
  sipCode: string;
  /** For answered calls: how the conversation ended. */
  conversationEnd?: ConversationEnd;
  hangupDirection: 'client' | 'robot' | '';
  turns: ConversationTurn[];
  /** Briefs, Categories and an opt-out the script recorded. */
  results?: CallResults;
}

export interface Carrier {
  /** Places a call; `onEnded` is called exactly once, when it has ended. */
  /** May settle only once the call is placed (e.g. a script's conversation computed); callers await it. */
  dial(request: DialRequest, onEnded: (report: CallReport) => void): void | Promise<void>;
}
