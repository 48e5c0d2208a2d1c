/**
 * The kill test of several nodes: three server processes on one PostgreSQL schema
 * run one campaign on the shared virtual clock, driven through the official
 * clients. Ten times, the clock is advanced through one node (at random) while a
 * node (at random, the advancing one included) is SIGKILLed at a random moment and
 * restarted. Afterwards: no job lost, no contact in two calls at once, no attempt
 * counted twice, counters equal the recount, and the calls in flight, sampled all
 * along and recomputed from the tasks, never above the instance's ceiling summed
 * over the nodes.
 *
 * It always runs on PostgreSQL (a schema of its own), so the PostgreSQL pass of
 * .ci/run, which would run it a second time unchanged, skips it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEndedJobs, type CallSpan } from '../helpers/campaign-checks.ts';
import { openApiCoreClient, popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { dropSchema, newSchemaName, schemaUrl, testBackendIsPostgres } from '../helpers/postgres.ts';
import { runCli, startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const NODES = 3;
const KILLS = 10;
const CEILING = 4;

/** A deterministic sequence for the kill schedule, so a failure can be replayed. */
function* sequence(seed: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    yield state / 2 ** 31;
  }
}

async function clockOf(server: ServerProcess): Promise<number> {
  return ((await (await fetch(`${server.url}/_outboundbot/clock`)).json()) as { now: number }).now;
}

async function advance(server: ServerProcess, body: object): Promise<Response> {
  return fetch(`${server.url}/_outboundbot/clock`, { method: 'POST', body: JSON.stringify(body) });
}

/** The most intervals [start, end) that overlap at any one moment. */
function maxOverlap(intervals: CallSpan[]): number {
  const events = intervals.flatMap(({ start, end }) => [
    { at: start, step: 1 },
    { at: end, step: -1 },
  ]);
  // At one moment, a call that ends frees its line before the next one takes it.
  events.sort((a, b) => a.at - b.at || a.step - b.step);
  let current = 0;
  let most = 0;
  for (const { step } of events) most = Math.max(most, (current += step));
  return most;
}

describe('several nodes on one PostgreSQL schema', { skip: testBackendIsPostgres() && 'runs on PostgreSQL in the first pass already' }, () => {
  it(`share one virtual clock, and a campaign survives ${KILLS} SIGKILLs of random nodes`, async () => {
    const schema = newSchemaName('cluster');
    const env = { OUTBOUNDBOT_DATABASE_URL: schemaUrl(schema), OUTBOUNDBOT_CLOCK: 'virtual', OUTBOUNDBOT_CLOCK_START: String(START) };
    const data = Array.from({ length: NODES }, () => tempDataDir());
    const random = sequence(Number(process.env.CLUSTER_SEED ?? 20261127));
    const nodes: ServerProcess[] = [];
    let sampling = true;
    let sampler: Promise<number> = Promise.resolve(0);
    try {
      nodes.push(...(await Promise.all(data.map(({ dir }) => startServerProcess({ dataDir: dir, env })))));
      const clients = (): ApiClient[] => nodes.map((node, i) => (i % 2 ? openApiCoreClient(node.url, TEST_KEY) : popCoreClient(node.url, TEST_KEY)));

      const instanceId = (await clients()[0]!.call('CreateInstance', { InstanceName: 'cluster', MaxConcurrentConversation: CEILING, CallingNumber: ['95187'] })).Instance.InstanceId;
      const jobGroupId = (
        await clients()[1]!.call('CreateJobGroup', {
          InstanceId: instanceId,
          JobGroupName: 'cluster',
          StrategyJson: JSON.stringify({ maxAttemptsPerDay: 3, minAttemptInterval: 10, repeatable: true, repeatBy: 'Day', endTime: START + 2 * DAY }),
        })
      ).JobGroup.JobGroupId;
      const suffixes = ['0001', '0100', '0200', '0600', '0700', '0800', '1000', '1100'];
      const jobIds: string[] = [];
      for (let batch = 0; batch < NODES; batch++) {
        const jobs = Array.from({ length: 20 }, (_, i) => JSON.stringify({ referenceId: `${batch}-${i}`, contacts: [{ phoneNumber: `1990000${suffixes[(batch * 20 + i) % suffixes.length]}` }] }));
        // Each node takes a third of the jobs: whichever node is asked, they are the campaign's.
        jobIds.push(...(await clients()[batch]!.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: jobs })).JobsId);
      }

      // One clock: a move through one node is what every node tells.
      assert.equal((await (await advance(nodes[1]!, { advanceMs: 60_000 })).json()).now, START + 60_000);
      assert.deepEqual(await Promise.all(nodes.map(clockOf)), Array(NODES).fill(START + 60_000));

      // Calls in flight, sampled all along through whichever node is up.
      sampler = (async () => {
        let most = 0;
        for (let i = 0; sampling; i++) {
          const node = nodes[i % NODES]!;
          try {
            const usage = await popCoreClient(node.url, TEST_KEY).call('GetCurrentConcurrency', { InstanceId: instanceId });
            most = Math.max(most, usage.CurrentConcurrency);
          } catch {
            // That node is being killed or restarted: ask the next.
          }
          await new Promise((resolve) => setTimeout(resolve, 15));
        }
        return most;
      })();

      for (let kill = 0; kill < KILLS; kill++) {
        const advancer = Math.floor(random.next().value * NODES);
        // Every other time the advancing node itself dies: the node that advances holds
        // most calls (its rounds run first at each step), so its calls are cut off.
        const other = Math.floor(random.next().value * NODES);
        const victim = kill % 2 === 0 ? advancer : other;
        const advanceMs = Math.floor((2 + random.next().value * 38) * 60_000);
        const pending = advance(nodes[advancer]!, { advanceMs }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random.next().value * 150)));
        await nodes[victim]!.stop('SIGKILL');
        // A surviving advancer finishes its advance without the dead node (after the liveness timeout).
        const answered = await pending;
        if (process.env.CLUSTER_DEBUG) console.log({ kill, advancer, victim, advanceMs, answered: answered?.status });
        if (advancer !== victim) assert.equal(answered?.status, 200, `advance through node ${advancer} failed when node ${victim} died`);
        nodes[victim] = await startServerProcess({ dataDir: data[victim]!.dir, env });
        const times = await Promise.all(nodes.map(clockOf));
        assert.ok(times.every((time) => time === times[0]), `nodes disagree on the time after kill ${kill}: ${times}`);
      }

      // Let everything finish: leases expire, interrupted calls are settled, retries run out.
      assert.equal((await advance(nodes[2]!, { advanceMs: 3 * DAY })).status, 200);
      sampling = false;
      const sampledMost = await sampler;
      const client = clients()[0]!;
      const group = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
      assert.equal(group.Progress.TotalJobs, jobIds.length, 'no job lost');
      assert.equal(group.Status, 'Completed');
      assert.equal(group.Progress.TotalCompleted + group.Progress.Failed, jobIds.length, 'every job ended once');

      const { attempts, interrupted, calls } = await checkEndedJobs(client, instanceId, jobIds);
      const listed = await client.call('ListJobGroups', { InstanceId: instanceId, PageNumber: 1, PageSize: 10 });
      assert.equal(listed.JobGroups.List[0].TotalCallNum, attempts, 'each attempt counted exactly once');
      assert.ok(sampledMost <= CEILING, `${sampledMost} calls in flight sampled, over the ceiling of ${CEILING}`);
      assert.ok(maxOverlap(calls) <= CEILING, `${maxOverlap(calls)} calls overlapped, over the ceiling of ${CEILING}`);
      assert.ok(maxOverlap(calls) === CEILING, 'the campaign never used every line: the test would not see a breach');

      await Promise.all(nodes.map((node) => node.stop()));
      const verified = await runCli(['verify', '--json'], data[0]!.dir, { OUTBOUNDBOT_DATABASE_URL: schemaUrl(schema) });
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      assert.deepEqual(JSON.parse(verified.stdout).differences, []);
      // The kills must actually have hit calls in flight for the test to mean anything.
      if (process.env.CLUSTER_DEBUG) console.log({ attempts, interrupted, sampledMost, overlap: maxOverlap(calls) });
      assert.ok(interrupted > 0, 'no call was interrupted: the kill schedule missed every call');
    } finally {
      sampling = false;
      await sampler.catch(() => 0);
      await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
      for (const { cleanup } of data) cleanup();
      await dropSchema(schema);
    }
  });
});
