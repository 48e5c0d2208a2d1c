/**
 * The dialog runtime's turn rate with the built-in NLU, next to a baseline measured
 * in the same run (STYLE habit 13: only the ratio is meant to travel).
 *
 * The script has 50 intents (5 example utterances and 3 keywords each, Chinese and
 * English) and one listen node with a branch per intent; each branch says an
 * acknowledgement and comes back to the question, so a session takes any number of
 * turns. The callee's turns cycle through variations of the examples (a word added,
 * so most are similarity matches rather than exact hits) and some unmatched speech.
 *
 * - runtime   `DialogSession.hear(text)` with the built-in engine: opt-out check,
 *             Intl.Segmenter tokens, scoring the 50 candidates, the graph walk.
 * - baseline  the same sessions and turns with an NLU that looks the intent up in a
 *             precomputed map (no matching): the cost of the walk alone.
 *
 * Env: BENCH_TURNS (default 20 000).
 */
import { performance } from 'node:perf_hooks';
import { BuiltinNlu, type Nlu, type NluCandidate, type NluMatch } from '../src/dialog/nlu.ts';
import { DialogSession } from '../src/dialog/runtime.ts';
import { compileScript, type ScriptContent } from '../src/dialog/script-content.ts';

const TURNS = Number(process.env.BENCH_TURNS ?? 20_000);
const INTENTS = 50;
const ZH = ['还款', '账单', '时间', '利息', '额度', '卡片', '地址', '客服', '短信', '密码'];
const EN = ['payment', 'statement', 'schedule', 'interest', 'limit', 'card', 'address', 'agent', 'message', 'password'];

function buildScript(): ScriptContent {
  const intents = Array.from({ length: INTENTS }, (_, i) => {
    const zh = `${ZH[i % 10]}${ZH[(i * 3 + 1) % 10]}`;
    const en = `${EN[i % 10]} ${EN[(i * 7 + 3) % 10]}`;
    return {
      id: `i${i}`,
      name: `Intent${String(i).padStart(2, '0')}`,
      description: '',
      utterances: [`我想问一下${zh}的事情`, `关于${zh}第${i}项`, `I want to ask about my ${en}`, `question ${i} on the ${en}`, `${zh}怎么办`],
      keywords: [`${zh}${i}`, `${en} number ${i}`, `/topic-${i}\\b/`],
    };
  });
  const branches = intents.map((intent, i) => ({ intent: intent.name, next: `ack${i}` }));
  const nodes = [
    { id: 'ask', type: 'listen', text: '请问您想了解什么？', branches, silence: { limit: 10 }, noMatch: { limit: 10, next: 'ask' } },
    ...intents.map((_, i) => ({ id: `ack${i}`, type: 'say', text: `好的，关于第${i}项。`, next: 'ask' })),
  ];
  return { flows: [{ id: 'f', name: 'Main', type: 'MainFlow', definition: { nodes } }], intents, questions: [] };
}

const content = buildScript();
const script = compileScript(content, '');
const builtin = new BuiltinNlu();

/** The callee's turns: examples with a word added, and every 10th turn unmatched speech. */
const turns: string[] = Array.from({ length: 1_000 }, (_, t) => {
  if (t % 10 === 9) return t % 20 === 9 ? '今天天气怎么样' : 'purple elephants dancing';
  const intent = content.intents[(t * 7) % INTENTS]!;
  const example = intent.utterances[t % intent.utterances.length]!;
  return t % 2 === 0 ? `嗯，${example}` : `well ${example}`;
});

/** The baseline's NLU: the intent the built-in engine finds, looked up, no matching. */
const answers = new Map<string, NluMatch>();
for (const text of turns) answers.set(text, builtin.classifySync(text, script.intents));
const lookup: Nlu = { name: 'lookup', classify: async (text: string, _c: readonly NluCandidate[]) => answers.get(text)! };

async function run(nlu: Nlu): Promise<{ turnsPerSecond: number; matched: number }> {
  let session = new DialogSession(script, {}, nlu, builtin);
  session.start();
  let matched = 0;
  const started = performance.now();
  for (let t = 0; t < TURNS; t++) {
    if (session.ended) {
      session = new DialogSession(script, {}, nlu, builtin);
      session.start();
    }
    const step = await session.hear(turns[t % turns.length]!);
    if (step.heard?.kind === 'intent') matched++;
  }
  const seconds = (performance.now() - started) / 1000;
  return { turnsPerSecond: TURNS / seconds, matched };
}

// A warm-up pass of each, then the measured ones.
await run(builtin);
await run(lookup);
const runtime = await run(builtin);
const baseline = await run(lookup);
if (runtime.matched !== baseline.matched) {
  console.error(`the runs disagree: ${runtime.matched} vs ${baseline.matched} turns matched`);
  process.exit(1);
}
const format = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`dialog runtime, ${INTENTS}-intent script, ${format(TURNS)} callee turns (${format(runtime.matched)} matched an intent)`);
console.log(`  runtime  (built-in NLU)      ${format(runtime.turnsPerSecond).padStart(10)} turns/s`);
console.log(`  baseline (walk, no matching) ${format(baseline.turnsPerSecond).padStart(10)} turns/s`);
console.log(`  ratio runtime/baseline       ${(runtime.turnsPerSecond / baseline.turnsPerSecond).toFixed(3)}`);
