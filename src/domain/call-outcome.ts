import type { TaskEndReason, TaskStatus } from './call.ts';
import type { CounterDelta } from './job-group.ts';

/**
 * What a call attempt can come to, and how each outcome is named on the wire and
 * counted in GetJobGroup. One table per concern so a new outcome is added in one
 * place.
 */

/** How the network ended the attempt. `Interrupted`: the process placing it died (settled on recovery). */
export type CallResult =
  | 'Answered'
  | 'NoAnswer'
  | 'Busy'
  | 'EmptyNumber'
  | 'OutOfService'
  | 'InArrears'
  | 'PoweredOff'
  | 'NotConnected'
  | 'Interrupted';

/** How an answered call's conversation ended: one GetJobGroup Result counter each. */
export type ConversationEnd = 'Finished' | 'ClientHangup' | 'NoInteract' | 'TimeoutHangup' | 'Unrecognized';

export const NOT_ANSWERED_TASK_STATUS: Record<Exclude<CallResult, 'Answered'>, TaskStatus> = {
  NoAnswer: 'NoAnswer',
  Busy: 'Busy',
  EmptyNumber: 'NotExist',
  OutOfService: 'OutOfService',
  InArrears: 'InArrears',
  PoweredOff: 'PoweredOff',
  NotConnected: 'NotConnected',
  Interrupted: 'Failed',
};

export const CONVERSATION_END: Record<ConversationEnd, { taskStatus: TaskStatus; endReason: TaskEndReason; counter: keyof CounterDelta }> = {
  Finished: { taskStatus: 'SucceededFinish', endReason: 'FINISHED', counter: 'finishedNum' },
  ClientHangup: { taskStatus: 'SucceededClientHangUp', endReason: 'CLIENT_HANGUP', counter: 'clientHangupNum' },
  NoInteract: { taskStatus: 'SucceededChatbotHangUpAfterSilence', endReason: 'NO_INTERACTION', counter: 'noInteractNum' },
  TimeoutHangup: { taskStatus: 'SucceededChatbotHangUpAfterTimeout', endReason: 'TIMEOUT_HANGUP', counter: 'timeoutHangupNum' },
  Unrecognized: { taskStatus: 'SucceededChatbotHangUpAfterNoAnswer', endReason: 'CHATBOT_HANGUP_AFTER_NOANSWER', counter: 'unrecognizedNum' },
};

/** The job FailureReason when retries run out after this outcome. */
export const FAILURE_REASON: Record<Exclude<CallResult, 'Answered'>, string> = {
  NoAnswer: 'NoAnswer',
  Busy: 'NoAnswer',
  PoweredOff: 'NoAnswer',
  NotConnected: 'CallFailed',
  Interrupted: 'CallFailed',
  EmptyNumber: 'EmptyNumber',
  OutOfService: 'OutOfService',
  InArrears: 'InArrears',
};

/** SIP response codes the simulated carrier reports, as a real trunk would. */
export const SIP_CODE: Record<CallResult, string> = {
  Answered: '200',
  NoAnswer: '480',
  Busy: '486',
  EmptyNumber: '404',
  OutOfService: '410',
  InArrears: '402',
  PoweredOff: '480',
  NotConnected: '503',
  Interrupted: '500',
};
