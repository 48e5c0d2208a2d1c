import type { CallResult, ConversationEnd } from '../../domain/call-outcome.ts';

/**
 * Numbers with fixed outcomes, so tests and users can script a campaign:
 * `1990000XXXX`, chosen by the last four digits (docs/emulator.md lists them).
 */
export const TEST_NUMBER = /^(?:\+?86)?1990000(\d{4})$/;

export interface ScriptedOutcome {
  result: CallResult;
  conversation?: ConversationEnd;
}

export function testNumberOutcome(calledNumber: string, attempt: number): ScriptedOutcome | undefined {
  const match = TEST_NUMBER.exec(calledNumber);
  if (!match) return undefined;
  const code = match[1]!;
  if (code.startsWith('00')) return { result: 'Answered', conversation: 'Finished' };
  switch (code) {
    case '0100':
      return { result: 'NoAnswer' };
    case '0200':
      return { result: 'Busy' };
    case '0300':
      return { result: 'EmptyNumber' };
    case '0400':
      return { result: 'OutOfService' };
    case '0500':
      return { result: 'InArrears' };
    case '0600':
      return { result: 'PoweredOff' };
    case '0700':
      return { result: 'Answered', conversation: 'ClientHangup' };
    case '0800':
      return { result: 'Answered', conversation: 'NoInteract' };
    case '0900':
      return { result: 'Answered', conversation: 'Unrecognized' };
    case '1000':
      return { result: 'Answered', conversation: 'TimeoutHangup' };
    case '1100':
      return attempt === 1 ? { result: 'NoAnswer' } : { result: 'Answered', conversation: 'Finished' };
    default:
      // 1200/1201: opts out during a script's conversation; 13xx: asks a global question (src/dialog/simulated-callee.ts).
      return code === '1200' || code === '1201' || code.startsWith('13') ? { result: 'Answered', conversation: 'Finished' } : undefined;
  }
}
