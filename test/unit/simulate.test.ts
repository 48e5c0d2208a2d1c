import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apportion, mixedNumbers } from '../../src/simulation/number-mix.ts';
import { loadScenario, parseScenario, ScenarioError } from '../../src/simulation/scenario.ts';
import { simulate, type SimulationResult } from '../../src/simulation/simulate.ts';
import { runCli } from '../helpers/server-process.ts';

/**
 * `outboundbot simulate`: figures worked out by hand from docs/strategy.md and the
 * test numbers of docs/emulator.md (fixed outcomes, whatever the seed).
 */

/** Tuesday 2026-12-01 08:00 in Shanghai: an hour before the first window opens. */
const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const WINDOWS = [
  { beginTime: '09:00:00', endTime: '12:00:00' },
  { beginTime: '14:00:00', endTime: '18:00:00' },
];

/**
 * 20 jobs, 20 lines (no job ever waits for a line), 2 attempts a day at least 30
 * minutes apart, for three days:
 * - 10 × 0100 (never answers): called at 09:00:00 (rings the default 25 s) and
 *   09:30:25 each day; after day 3's second attempt no day is left: Failed, 09:30:50;
 * - 5 × 0001 (answers): one attempt on day 1, Succeeded;
 * - 3 × 1100 (no answer, then answers): 09:00 and 09:30 on day 1, Succeeded;
 * - 2 × 0300 (empty number) with emptyNumberIgnore: one attempt, Failed.
 */
const TEST_NUMBER_SCENARIO = {
  start: START,
  seed: 'hand-worked',
  instance: { maxConcurrentConversation: 20 },
  groups: [
    {
      name: 'reminder',
      strategy: { maxAttemptsPerDay: 2, minAttemptInterval: 30, repeatBy: 'Day', workingTime: WINDOWS, startTime: START, endTime: START + 3 * DAY },
      recallStrategy: { emptyNumberIgnore: true },
      jobs: { count: 20, numbers: { '0100': 10, '0001': 5, '1100': 3, '0300': 2 } },
    },
  ],
};

function figures(result: SimulationResult) {
  return result.days.map((d) => ({ date: `${d.date} ${d.weekday}`, attempts: d.attempts, connects: d.connects, completions: d.completions, failures: d.failures, remaining: d.remaining }));
}

async function run(document: unknown, baseDir = tmpdir()): Promise<SimulationResult> {
  return simulate(parseScenario(document, { now: START, baseDir }));
}

describe('simulate', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'outboundbot-simulate-test-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stops between days when its signal aborts (Ctrl-C) and removes its temp data dir all the same', async () => {
    const scratch = mkdtempSync(join(dir, 'tmp-'));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      const interrupt = new AbortController();
      let days = 0;
      await assert.rejects(
        simulate(parseScenario(TEST_NUMBER_SCENARIO, { now: START, baseDir: dir }), {
          signal: interrupt.signal,
          onDay: () => {
            days++;
            interrupt.abort();
          },
        }),
        { name: 'AbortError' },
      );
      assert.equal(days, 1, 'no day runs after the abort');
      assert.deepEqual(readdirSync(scratch), [], 'the simulation left nothing behind');
    } finally {
      // Assigning undefined would set the string 'undefined'.
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
  });

  it('reports each day the attempts, connects, completions and failures the strategy rules predict', async () => {
    const result = await run(TEST_NUMBER_SCENARIO);
    assert.deepEqual(figures(result), [
      { date: '2026-12-01 Tue', attempts: 10 * 2 + 5 + 3 * 2 + 2, connects: 8, completions: 8, failures: 2, remaining: 10 },
      { date: '2026-12-02 Wed', attempts: 20, connects: 0, completions: 0, failures: 0, remaining: 10 },
      { date: '2026-12-03 Thu', attempts: 20, connects: 0, completions: 0, failures: 10, remaining: 0 },
    ]);
    assert.deepEqual(result.days.at(-1)!.cumulative, { attempts: 73, connects: 8, completions: 8, failures: 12 });
    assert.deepEqual(result.totals, { attempts: 73, connects: 8, completions: 8, failures: 12 });
    assert.equal(result.totalJobs, 20);
    assert.equal(result.finished, true);
    assert.equal(result.finishDay, 3);
    assert.equal(result.finishedAt, '2026-12-03T09:30:50+08:00');
    assert.equal(result.groups[0]!.status, 'Completed');
  });

  it('skips the days the strategy does not select and stops at maxDays with what is left', async () => {
    // Friday 2026-12-04, weekdays only, no end: 10 never-answering numbers get 2 attempts per weekday, forever.
    const friday = Date.parse('2026-12-04T00:00:00Z');
    const result = await run({
      start: friday,
      maxDays: 4,
      instance: { maxConcurrentConversation: 10 },
      groups: [
        {
          name: 'weekdays',
          strategy: { maxAttemptsPerDay: 2, minAttemptInterval: 30, repeatBy: 'Week', repeatDays: [1, 2, 3, 4, 5], workingTime: WINDOWS },
          jobs: { count: 10, numbers: { '0100': 1 } },
        },
      ],
    });
    assert.deepEqual(
      result.days.map((d) => [`${d.date} ${d.weekday}`, d.attempts, d.remaining]),
      [
        ['2026-12-04 Fri', 20, 10],
        ['2026-12-05 Sat', 0, 10],
        ['2026-12-06 Sun', 0, 10],
        ['2026-12-07 Mon', 20, 10],
      ],
    );
    assert.equal(result.finished, false);
    assert.equal(result.finishedAt, null);
    assert.equal(result.finishDay, null);
    assert.equal(result.remaining, 10);
    assert.equal(result.groups[0]!.status, 'Scheduling');
  });

  it('counts only the attempts the lines allow in a day', async () => {
    // One line, busy numbers (rejected after 2 s), a one-minute window: calls start at
    // 09:00:00, 09:00:02 ... 09:00:58, so 30 a day, whatever the backlog.
    const result = await run({
      start: START,
      maxDays: 2,
      instance: { maxConcurrentConversation: 1 },
      groups: [
        {
          name: 'one line',
          strategy: { maxAttemptsPerDay: 1, minAttemptInterval: 0, repeatBy: 'Day', workingTime: [{ beginTime: '09:00:00', endTime: '09:01:00' }] },
          jobs: { count: 50, numbers: { '0200': 1 } },
        },
      ],
    });
    assert.deepEqual(result.days.map((d) => d.attempts), [30, 30]);
    assert.equal(result.remaining, 50);
  });

  it('fails every job left when the strategy ends, including those no line reached', async () => {
    // As above with an end after three days: on day 3 the 30 called jobs have no later
    // day and the 20 not reached have no callable moment left once the window closes.
    const result = await run({
      start: START,
      maxDays: 5,
      instance: { maxConcurrentConversation: 1 },
      groups: [
        {
          name: 'one line',
          strategy: { maxAttemptsPerDay: 1, minAttemptInterval: 0, repeatBy: 'Day', workingTime: [{ beginTime: '09:00:00', endTime: '09:01:00' }], startTime: START, endTime: START + 3 * DAY },
          jobs: { count: 50, numbers: { '0200': 1 } },
        },
      ],
    });
    assert.deepEqual(result.days.map((d) => [d.attempts, d.failures]), [[30, 0], [30, 0], [30, 50]]);
    assert.equal(result.finishedAt, '2026-12-03T09:01:00+08:00');
  });

  it('replays the same campaign from the same seed, and another seed gives another', async () => {
    const scenario = (seed: string) => ({
      start: START,
      seed,
      instance: { maxConcurrentConversation: 3 },
      groups: [
        {
          name: 'ordinary numbers',
          strategy: { maxAttemptsPerDay: 2, minAttemptInterval: 60, repeatBy: 'Day', workingTime: WINDOWS, startTime: START, endTime: START + 5 * DAY },
          jobs: { count: 40, numbers: { random: 3, '0100': 1 } },
        },
      ],
    });
    const first = await run(scenario('alpha'));
    const again = await run(scenario('alpha'));
    const other = await run(scenario('beta'));
    assert.deepEqual(again, first);
    assert.notDeepEqual(other.days, first.days);
    // The seed draws outcomes, so random numbers do not all answer at once.
    assert.ok(first.totals.attempts > first.totals.connects);
  });

  it('takes its jobs from a contacts file, resolved beside the scenario', async () => {
    writeFileSync(join(dir, 'contacts.csv'), '\ufeffname,PhoneNumber,referenceId\nLi Lei,19900000001,c-1\nHan Meimei,+8619900000700,c-2\n\nWang,8619900000300,c-3\n');
    const path = join(dir, 'file.json');
    writeFileSync(
      path,
      JSON.stringify({
        start: START,
        instance: { maxConcurrentConversation: 5 },
        groups: [{ name: 'file', strategy: { workingTime: WINDOWS }, recallStrategy: { emptyNumberIgnore: true }, jobs: { contactsFile: 'contacts.csv' } }],
      }),
    );
    const scenario = await loadScenario(path, START);
    assert.equal(scenario.groups[0]!.jobs.count, 3);
    const result = await simulate(scenario);
    assert.deepEqual(figures(result), [{ date: '2026-12-01 Tue', attempts: 3, connects: 2, completions: 2, failures: 1, remaining: 0 }]);
    // Both answered calls end after their (seeded) ringing and talk, within the first minutes.
    assert.match(result.finishedAt!, /^2026-12-01T09:0\d:\d\d(\.\d+)?\+08:00$/);
  });

  it('refuses a contacts file row that is not a phone number, naming the line', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'phoneNumber\n19900000001\nnot-a-number\n');
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ instance: { maxConcurrentConversation: 1 }, groups: [{ name: 'g', strategy: {}, jobs: { contactsFile: 'bad.csv' } }] }));
    await assert.rejects(loadScenario(path, START), (error: ScenarioError) => {
      assert.equal(error.field, 'groups.0.jobs.contactsFile');
      assert.match(error.reason, /line 3: phoneNumber "not-a-number"/);
      return true;
    });
  });

  for (const [title, change, field, reason] of [
    ['a count below 1', (s: any) => (s.groups[0].jobs.count = 0), 'groups.0.jobs.count', /expected number to be >=1/],
    ['both count and contactsFile', (s: any) => (s.groups[0].jobs.contactsFile = 'x.csv'), 'groups.0.jobs', /either count .* or contactsFile/],
    ['a mix key that is no test-number suffix', (s: any) => (s.groups[0].jobs.numbers = { '01': 1 }), 'groups.0.jobs.numbers.01', /4-digit test-number suffix or "random"/],
    ['a malformed working window', (s: any) => (s.groups[0].strategy.workingTime = [{ beginTime: '9:00', endTime: '12:00:00' }]), 'groups.0.strategy.workingTime.0.beginTime', /HH:mm:ss/],
    ['a weekly strategy without days', (s: any) => (s.groups[0].strategy = { repeatBy: 'Week' }), 'groups.0.strategy.repeatDays', /at least one day/],
    ['an unknown time zone', (s: any) => (s.timezone = 'Mars/Olympus'), 'timezone', /IANA/],
    ['an unknown field', (s: any) => (s.maxday = 3), 'maxday', /unknown field/],
    ['a missing instance', (s: any) => delete s.instance, 'instance', /required/],
    ['a start that is no time', (s: any) => (s.start = 'yesterday'), 'start', /ISO 8601/],
    ['guaranteed lines beyond the instance', (s: any) => (s.groups[0].minConcurrency = 30), 'groups.0.minConcurrency', /more than instance.maxConcurrentConversation/],
    ['a bad carrier profile', (s: any) => (s.profile = { ringMs: [5, 1] }), 'profile.ringMs', /min must not exceed max/],
  ] as const) {
    it(`refuses ${title}, naming the field`, () => {
      const scenario = structuredClone(TEST_NUMBER_SCENARIO) as any;
      change(scenario);
      assert.throws(
        () => parseScenario(scenario, { now: START, baseDir: dir }),
        (error: ScenarioError) => error instanceof ScenarioError && error.field === field && reason.test(error.reason),
      );
    });
  }

  it('reads an ISO start without an offset in the scenario time zone', () => {
    const scenario = parseScenario({ ...TEST_NUMBER_SCENARIO, start: '2026-12-01T08:00:00', timezone: 'Asia/Shanghai' }, { now: 0, baseDir: dir });
    assert.equal(scenario.start, START);
  });

  it('apportions a number mix exactly and interleaves the kinds', () => {
    assert.deepEqual(apportion(15, [2, 1]), [10, 5]);
    assert.deepEqual(apportion(10, [1, 1, 1]), [4, 3, 3]);
    const numbers = [...mixedNumbers(6, { '0100': 2, '0001': 1 }, 'seed', 'g')];
    assert.deepEqual(numbers, ['19900000100', '19900000001', '19900000100', '19900000100', '19900000001', '19900000100']);
    const random = [...mixedNumbers(3, { random: 1 }, 'seed', 'g')];
    assert.deepEqual(random, [...mixedNumbers(3, { random: 1 }, 'seed', 'g')]);
    for (const n of random) assert.match(n, /^1[358]\d{9}$/);
  });

  describe('the command', () => {
    it('prints a row per day and the forecast', async () => {
      const path = join(dir, 'cli.json');
      writeFileSync(path, JSON.stringify(TEST_NUMBER_SCENARIO));
      const { code, stdout, stderr } = await runCli(['simulate', path], dir);
      assert.equal(code, 0, stderr);
      assert.equal(stderr, '', 'no progress bar when stderr is not a terminal');
      const lines = stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /^\s*day\s+date\s+attempts\s+connects\s+completions\s+failures\s+remaining$/);
      assert.match(lines[1]!, /^\s+1\s+2026-12-01 Tue\s+33\s+8\s+8\s+2\s+10$/);
      assert.match(lines[3]!, /^\s+3\s+2026-12-03 Thu\s+20\s+0\s+0\s+10\s+0$/);
      assert.match(lines[4]!, /^total\s+73\s+8\s+8\s+12\s+0$/);
      assert.equal(lines.at(-1), 'forecast: finished on day 3, Thu 2026-12-03 09:30:50 Asia/Shanghai; 8 succeeded, 12 failed of 20 jobs, 73 attempts');
    });

    it('--json prints one JSON document', async () => {
      const path = join(dir, 'cli-json.json');
      writeFileSync(path, JSON.stringify(TEST_NUMBER_SCENARIO));
      const { code, stdout } = await runCli(['simulate', path, '--json'], dir);
      assert.equal(code, 0);
      const result = JSON.parse(stdout) as SimulationResult;
      assert.equal(result.finishedAt, '2026-12-03T09:30:50+08:00');
      assert.deepEqual(result.days.map((d) => d.attempts), [33, 20, 20]);
      assert.equal(result.days[0]!.groups[0]!.name, 'reminder');
    });

    it('exits 2 with one line naming the field of a bad scenario', async () => {
      const path = join(dir, 'cli-bad.json');
      const bad = structuredClone(TEST_NUMBER_SCENARIO) as any;
      bad.groups[0].strategy.maxAttemptsPerDay = 0;
      writeFileSync(path, JSON.stringify(bad));
      const { code, stdout, stderr } = await runCli(['simulate', path], dir);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.equal(stderr.trimEnd().split('\n').length, 1);
      assert.match(stderr, /^outboundbot: invalid scenario: groups\.0\.strategy\.maxAttemptsPerDay: /);
    });

    it('exits 2 when the scenario file cannot be read', async () => {
      const { code, stderr } = await runCli(['simulate', join(dir, 'absent.json')], dir);
      assert.equal(code, 2);
      assert.match(stderr, /^outboundbot: invalid scenario: cannot read .*absent\.json: ENOENT\n$/);
    });
  });
});
