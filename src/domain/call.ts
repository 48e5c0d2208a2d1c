/** A call attempt's statuses and transcript as the domain names them; src/store/rows.ts re-exports them. */

/**
 * Task (attempt) statuses as the public API names them: Executing while the call
 * runs, then a not-connected outcome or a Succeeded* one once answered.
 */
export type TaskStatus =
  | 'Executing'
  | 'NoAnswer'
  | 'Busy'
  | 'NotExist'
  | 'PoweredOff'
  | 'OutOfService'
  | 'InArrears'
  | 'NotConnected'
  | 'Failed'
  | 'SucceededFinish'
  | 'SucceededClientHangUp'
  | 'SucceededChatbotHangUpAfterSilence'
  | 'SucceededChatbotHangUpAfterNoAnswer'
  | 'SucceededChatbotHangUpAfterTimeout';

/** Why an answered call ended; each feeds one GetJobGroup Result counter. */
export type TaskEndReason = 'FINISHED' | 'CLIENT_HANGUP' | 'NO_INTERACTION' | 'TIMEOUT_HANGUP' | 'CHATBOT_HANGUP_AFTER_NOANSWER';

export interface ConversationTurn {
  speaker: 'Robot' | 'Contact';
  text: string;
  timestamp: number;
  intent?: string;
}
