import type { LlmSettings } from '../config/config.ts';
import type { Nlu, NluCandidate, NluMatch } from './nlu.ts';

/**
 * An external NLU engine: an OpenAI-compatible chat-completions endpoint
 * (OUTBOUNDBOT_LLM_URL / OUTBOUNDBOT_LLM_KEY). The model is told the candidate
 * intents with their examples and answers with one name, or `none`. Every request
 * has a deadline (OUTBOUNDBOT_LLM_TIMEOUT_MS); a slow, failed or unreadable answer
 * throws, and the session falls back to the built-in engine for that turn, so a
 * call always ends.
 */
export class LlmNlu implements Nlu {
  readonly name = 'llm';
  private readonly endpoint: string;

  constructor(private readonly settings: LlmSettings) {
    const base = settings.url.replace(/\/+$/, '');
    this.endpoint = base.endsWith('/chat/completions') ? base : `${base}/chat/completions`;
  }

  async classify(text: string, candidates: readonly NluCandidate[]): Promise<NluMatch> {
    if (candidates.length === 0) return { score: 0 };
    const lines = candidates.map((c) => `- ${c.name}: ${[...c.utterances.slice(0, 8), ...c.keywords.slice(0, 8)].map((u) => JSON.stringify(u)).join(', ')}`);
    const body = {
      model: this.settings.model,
      temperature: 0,
      messages: [
        {
          role: 'system',
          content:
            'You classify what a person said on a phone call into one of these intents (name: examples).\n' +
            `${lines.join('\n')}\n` +
            'Answer with the intent name only, exactly as written, or "none" when no intent fits.',
        },
        { role: 'user', content: text },
      ],
    };
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.settings.key ? { authorization: `Bearer ${this.settings.key}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      throw new Error(describeFailure(error, this.settings.timeoutMs));
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`the NLU endpoint answered HTTP ${response.status}`);
    }
    let payload: unknown;
    try {
      payload = await response.json();
    } catch (error) {
      throw new Error(`the NLU endpoint's answer is not JSON (${describeFailure(error, this.settings.timeoutMs)})`);
    }
    const content = (payload as { choices?: Array<{ message?: { content?: unknown } }> })?.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new Error('the NLU endpoint answered without choices[0].message.content');
    const answer = content.trim().replace(/^["'`]+|["'`.]+$/g, '');
    if (answer.toLowerCase() === 'none' || answer === '') return { score: 0 };
    const exact = candidates.find((c) => c.name === answer) ?? candidates.find((c) => c.name.toLowerCase() === answer.toLowerCase());
    return exact ? { intent: exact.name, score: 0.9 } : { score: 0 };
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  return `the NLU endpoint could not be reached (${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)})`;
}
