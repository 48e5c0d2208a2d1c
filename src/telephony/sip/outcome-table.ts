import type { CallResult } from '../../domain/call-outcome.ts';

/**
 * How a SIP call attempt that never reached a conversation is counted: one table from
 * final responses and events to the project's CallResult. docs/telephony.md lists each
 * row with its source (RFC 3261 section 21, the ITU-T Q.850 cause each code stands for
 * by RFC 3398, and jambonz's place-outdial, which counts 487 as no answer and 486/600 as
 * busy). An answered call's end (BYE, media timeout, talk limit) is the conversation's
 * business: see live-call.ts.
 */

/** Events of an unanswered attempt that are not a final response from the far end. */
export type UnansweredEvent = 'ringTimeout' | 'authFailed' | 'transportError';

const BY_STATUS: Readonly<Record<number, CallResult>> = {
  402: 'InArrears', // Payment Required: the account behind the trunk or the callee's line is out of credit
  404: 'EmptyNumber', // Not Found: Q.850 cause 1, unallocated number
  484: 'EmptyNumber', // Address Incomplete: Q.850 cause 28, invalid number format
  604: 'EmptyNumber', // Does Not Exist Anywhere
  410: 'OutOfService', // Gone: Q.850 cause 22, number changed / no longer in service
  480: 'PoweredOff', // Temporarily Unavailable: Q.850 18/19/20, subscriber absent (handset off or out of coverage)
  486: 'Busy', // Busy Here: Q.850 cause 17, user busy
  600: 'Busy', // Busy Everywhere
  603: 'Busy', // Decline: the callee rejected the call; counted as busy as handsets reject with "busy"
  408: 'NoAnswer', // Request Timeout: Q.850 cause 18/102, no user responding
  487: 'NoAnswer', // Request Terminated: our CANCEL at RingingDuration (jambonz: no answer)
};

const BY_EVENT: Readonly<Record<UnansweredEvent, CallResult>> = {
  ringTimeout: 'NoAnswer', // RingingDuration ran out; the CANCEL's 487 (or none) ends it
  authFailed: 'NotConnected', // a second 401/407 after our credentials: the trunk refuses us, not the callee
  transportError: 'NotConnected', // no response at all (Timer B) or the trunk unreachable
};

/** The result of an attempt ended by a final non-2xx response. */
export function resultOfFinalResponse(status: number): CallResult {
  return BY_STATUS[status] ?? 'NotConnected'; // other 4xx, 5xx (e.g. 503 congestion), 6xx: the call failed
}

export function resultOfEvent(event: UnansweredEvent): CallResult {
  return BY_EVENT[event];
}
