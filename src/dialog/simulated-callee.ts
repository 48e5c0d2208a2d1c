import { CONVERSATION_END } from '../domain/call-outcome.ts';
import type { CallReport, DialRequest } from '../telephony/carrier.ts';
import { TEST_NUMBER } from '../telephony/simulated/test-numbers.ts';
import { converse } from './conversation.ts';
import { builtinNlu } from './nlu-engines.ts';
import { cooperative, optOutPersona, personaForEnd, questionPersona, type Persona } from './persona.ts';
import { DialogSession, variableValues } from './runtime.ts';

/**
 * The simulated callee of an answered call whose job runs a script: the persona is
 * chosen from the scenario's personas (by called number), then the test number
 * (`00xx` takes branch xx at every question, `1200`/`1201` opt out in English /
 * Chinese, `13xx` asks the first
 * global question then takes branch xx), then the conversation end the carrier
 * drew. Returns the carrier's report with the conversation filled in.
 */
export async function talkWithScript(request: DialRequest, answered: CallReport, personas: Readonly<Record<string, Persona>>): Promise<CallReport> {
  const dialog = request.dialog!;
  const persona = personas[request.calledNumber] ?? personaForCall(request, answered);
  const session = new DialogSession(dialog.script, variableValues(request.contact, request.extras), dialog.nlu, builtinNlu);
  const answeredAt = request.startedAt + answered.ringingMs;
  const outcome = await converse(session, dialog.script, persona, answeredAt, request.talkLimitMs);
  return {
    ...answered,
    endedAt: answeredAt + outcome.talkMs,
    talkMs: outcome.talkMs,
    conversationEnd: outcome.end,
    hangupDirection: outcome.hangupDirection,
    turns: outcome.turns,
    results: outcome.results,
  };
}

function personaForCall(request: DialRequest, answered: CallReport): Persona {
  const end = answered.conversationEnd ?? 'Finished';
  const code = TEST_NUMBER.exec(request.calledNumber)?.[1];
  if (code) {
    const low = Number(code.slice(2));
    if (code.startsWith('00')) return cooperative(low);
    if (code === '1100') return cooperative(0);
    if (code === '1200' || code === '1201') return optOutPersona(low);
    if (code.startsWith('13')) return questionPersona(low);
  }
  // Other numbers: the branch taken follows from the number, so runs repeat.
  const digits = [...request.calledNumber].reduce((sum, char) => sum + (Number(char) || 0), 0);
  return personaForEnd(end in CONVERSATION_END ? end : 'Finished', digits, request.talkLimitMs);
}
