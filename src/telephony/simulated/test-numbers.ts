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

/** The fixed outcome of each four-digit code (`1100` alone depends on the attempt: see testNumberOutcome). */
const OUTCOMES: Readonly<Record<string, ScriptedOutcome>> = {
  '0100': { result: 'NoAnswer' },
  '0200': { result: 'Busy' },
  '0300': { result: 'EmptyNumber' },
  '0400': { result: 'OutOfService' },
  '0500': { result: 'InArrears' },
  '0600': { result: 'PoweredOff' },
  '0700': { result: 'Answered', conversation: 'ClientHangup' },
  '0800': { result: 'Answered', conversation: 'NoInteract' },
  '0900': { result: 'Answered', conversation: 'Unrecognized' },
  '1000': { result: 'Answered', conversation: 'TimeoutHangup' },
};

const FINISHED: ScriptedOutcome = { result: 'Answered', conversation: 'Finished' };

export function testNumberOutcome(calledNumber: string, attempt: number): ScriptedOutcome | undefined {
  const match = TEST_NUMBER.exec(calledNumber);
  if (!match) return undefined;
  const code = match[1]!;
  if (code.startsWith('00')) return FINISHED;
  if (code === '1100') return attempt === 1 ? { result: 'NoAnswer' } : FINISHED;
  // 1200/1201: opts out during a script's conversation; 13xx: asks a global question (src/dialog/simulated-callee.ts).
  if (code === '1200' || code === '1201' || code.startsWith('13')) return FINISHED;
  return OUTCOMES[code];
}
