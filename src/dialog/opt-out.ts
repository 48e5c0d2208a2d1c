import { normalize } from './tokenizer.ts';

/**
 * The opt-out detector: does the callee ask never to be called again? Checked on
 * every utterance before intent matching; a hit ends the call, records the Brief
 * `OptOut: true` and puts the number on the instance's contact block list.
 */
const PHRASES: readonly RegExp[] = [
  /\b(?:don'?t|do not|never|stop|quit)\s+(?:ever\s+)?(?:call|calling|phone|phoning|ring|ringing|contact|contacting)\b/u,
  /\b(?:remove|take)\s+(?:me|my number)\b.{0,30}\b(?:list|off)\b/u,
  /\b(?:unsubscribe|do not call list|opt[ -]?out)\b/u,
  /(?:不要|别|不用|请勿|勿|不许|禁止)再?(?:给我|跟我)?(?:打(?!折|扰|卡|车|球|开|算)|来电|打电话|联系我|拨打)/u,
  /(?:拉黑|加入黑名单|黑名单里)/u,
];

export function isOptOut(text: string): boolean {
  const normalized = normalize(text).replace(/[’‘]/g, "'");
  return PHRASES.some((phrase) => phrase.test(normalized));
}
