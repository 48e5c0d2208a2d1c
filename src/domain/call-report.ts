import type { ConversationTurn } from './call.ts';

/**
 * The buckets of DescribeGroupExecutingInfo's report over a group's answered calls. The
 * stores keep them as counters moved by each settlement, and recount them in SQL from
 * the tasks (`outboundbot verify`): both must bucket a call the same way.
 */

/** Talk-time bucket, in seconds: [0,10), [10,30), [30,60), [60,120), [120,300), [300,+). */
export function talkTimeBucket(talkMs: number): string {
  if (talkMs < 10_000) return '0-10';
  if (talkMs < 30_000) return '10-30';
  if (talkMs < 60_000) return '30-60';
  if (talkMs < 120_000) return '60-120';
  if (talkMs < 300_000) return '120-300';
  return '300+';
}

/** How many times the callee spoke (turns with text). */
export function calleeTurns(conversation: readonly ConversationTurn[]): number {
  let turns = 0;
  for (const turn of conversation) if (turn.speaker === 'Contact' && turn.text !== '') turns++;
  return turns;
}
