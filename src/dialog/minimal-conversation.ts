import type { ConversationEnd } from '../domain/call-outcome.ts';
import type { Contact, ConversationTurn } from '../store/rows.ts';

/**
 * The built-in conversation an answered call runs until scripts with dialog
 * flows arrive: a greeting, the callee's part as its persona dictates, and a
 * close. It yields every end reason the Result counters know, with turn
 * timestamps on the engine's clock.
 */
export interface ConversationPlan {
  turns: ConversationTurn[];
  talkMs: number;
  hangupDirection: 'client' | 'robot';
}

/** Seconds between turns; a silent callee lets this much pass per prompt. */
const TURN_GAP_MS = 6_000;

export function runMinimalConversation(end: ConversationEnd, contact: Contact, answeredAt: number, talkLimitMs: number): ConversationPlan {
  const name = `${contact.name}${contact.honorific}`.trim() || 'there';
  const turns: ConversationTurn[] = [];
  let at = answeredAt;
  const say = (speaker: ConversationTurn['speaker'], text: string, intent?: string) => {
    turns.push({ speaker, text, timestamp: at, ...(intent ? { intent } : {}) });
    at += TURN_GAP_MS;
  };
  say('Robot', `Hello ${name}, this is an automated call. Do you have a minute?`);
  switch (end) {
    case 'Finished':
      say('Contact', 'Yes, go ahead.', 'Affirm');
      say('Robot', 'Thank you. We will follow up as agreed. Goodbye.');
      return { turns, talkMs: at - answeredAt, hangupDirection: 'robot' };
    case 'ClientHangup':
      say('Contact', 'Not now.', 'Deny');
      return { turns, talkMs: at - answeredAt - TURN_GAP_MS / 2, hangupDirection: 'client' };
    case 'NoInteract':
      for (let i = 0; i < 3; i++) {
        turns.push({ speaker: 'Contact', text: '', timestamp: at, intent: 'Silence' });
        at += TURN_GAP_MS;
        if (i < 2) say('Robot', 'Hello, can you hear me?');
      }
      say('Robot', 'I cannot hear you, goodbye.');
      return { turns, talkMs: at - answeredAt, hangupDirection: 'robot' };
    case 'Unrecognized':
      for (let i = 0; i < 3; i++) {
        say('Contact', 'Mmh... blue seventeen?', 'NoMatch');
        if (i < 2) say('Robot', 'Sorry, I did not understand. Could you say that again?');
      }
      say('Robot', 'Sorry, I could not understand you. Goodbye.');
      return { turns, talkMs: at - answeredAt, hangupDirection: 'robot' };
    case 'TimeoutHangup':
      while (at - answeredAt < talkLimitMs - TURN_GAP_MS) say(turns.length % 2 ? 'Contact' : 'Robot', turns.length % 2 ? 'And another thing...' : 'I see.');
      turns.push({ speaker: 'Robot', text: 'We are out of time, goodbye.', timestamp: answeredAt + talkLimitMs });
      return { turns, talkMs: talkLimitMs, hangupDirection: 'robot' };
  }
}
