/**
 * The calling-number pool end to end: numbers added by the operator with the CLI
 * (a real `outboundbot numbers` process on the running server's data dir or
 * database), bound and listed through both official clients, with the emulator's
 * test numbers on every new instance, bad input answered 4xx, tenants isolated and
 * sub-users held to their policies.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { failure, openApiCoreClient, popCoreClient, type ApiClient, type Credentials } from '../helpers/clients.ts';
import { runCli, TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite, type SuiteServer } from '../helpers/suite-server.ts';
import { mismatchesAgainstTree, referenceAction } from '../helpers/reference.ts';
import { TEST_CALLING_NUMBERS } from '../../src/telephony/simulated/test-calling-numbers.ts';

/** Calls the action and checks its reply, envelope included, against the reference's response fields and types. */
async function shaped(client: ApiClient, action: string, params: Record<string, unknown>): Promise<any> {
  const body = await client.call(action, params);
  assert.deepEqual(mismatchesAgainstTree(referenceAction(action).response, body), [], `${action} reply shape (${client.name})`);
  return body;
}

async function cli(server: SuiteServer, ...args: string[]): Promise<string> {
  const result = await runCli(['numbers', ...args], server.dataDir);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

async function createKey(server: SuiteServer, args: string[]): Promise<Credentials & { accountId: string }> {
  const result = await runCli(['keys', 'create', '--json', ...args], server.dataDir);
  assert.equal(result.code, 0, result.stderr);
  const key = JSON.parse(result.stdout) as { AccessKeyId: string; AccessKeySecret: string; AccountId: string };
  return { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret, accountId: key.AccountId };
}

async function boundNumbers(client: ApiClient, instanceId: string): Promise<string[]> {
  const reply = await shaped(client, 'ListOutboundCallNumbers', { InstanceId: instanceId, PageNumber: 1, PageSize: 100 });
  return reply.OutboundCallNumbers.List.map((entry: { Number: string }) => entry.Number);
}

describe('calling numbers: the pool, its bindings and the actions on them', () => {
  const server = serverPerSuite();

  it('a new emulator instance has the documented test numbers bound, in the tenant\'s pool, paged', async () => {
    for (const client of [popCoreClient(server.url, TEST_KEY), openApiCoreClient(server.url, TEST_KEY)]) {
      const { Instance } = await client.call('CreateInstance', { InstanceName: `fresh ${client.name}`, MaxConcurrentConversation: 2 });
      assert.deepEqual(await boundNumbers(client, Instance.InstanceId), [...TEST_CALLING_NUMBERS]);
      const page = (await shaped(client, 'ListOutboundCallNumbers', { InstanceId: Instance.InstanceId, PageNumber: 3, PageSize: 2 })).OutboundCallNumbers;
      assert.deepEqual([page.TotalCount, page.PageNumber, page.PageSize, page.List.length], [TEST_CALLING_NUMBERS.length, 3, 2, 1]);
      assert.deepEqual(Object.keys(page.List[0]).sort(), ['Number', 'OutboundCallNumberId', 'RateLimitCount', 'RateLimitPeriod']);
      assert.deepEqual([page.List[0].RateLimitCount, page.List[0].RateLimitPeriod], ['0', '0']);
    }
    const listed = await cli(server, 'list', '--json');
    const hangzhou = (JSON.parse(listed) as Array<{ Number: string; Region: string; Instances: string[] }>).find((row) => row.Number === '057188880000')!;
    assert.equal(hangzhou.Region, 'Hangzhou, Zhejiang');
    assert.deepEqual(hangzhou.Instances, ['fresh pop-core', 'fresh openapi-core']);
  });

  it('an operator\'s number is bound to exactly the instances listed, described, listed for the tenant, limited and unbound', async () => {
    const added = await cli(server, 'add', '057188889999', '--trunk', 'sip:trunk.example.com:5070;transport=tcp');
    assert.equal(added, 'added 057188889999 (Hangzhou, Zhejiang)\n');
    for (const [round, client] of [popCoreClient(server.url, TEST_KEY), openApiCoreClient(server.url, TEST_KEY)].entries()) {
      const a = (await client.call('CreateInstance', { InstanceName: `A ${client.name}`, MaxConcurrentConversation: 2 })).Instance.InstanceId;
      const b = (await client.call('CreateInstance', { InstanceName: `B ${client.name}`, MaxConcurrentConversation: 2 })).Instance.InstanceId;
      // Any written form of the number; an id that is no instance of the tenant fails alone.
      const bind = await shaped(client, 'CreateInstanceBindNumber', { Number: '+8657188889999', InstanceList: `${a}, ${b},no-such-instance` });
      assert.deepEqual(bind.Data.List, [
        { InstanceId: a, Success: true },
        { InstanceId: b, Success: true },
        { InstanceId: 'no-such-instance', Success: false },
      ]);
      assert.ok((await boundNumbers(client, a)).includes('057188889999'));

      const described = (await shaped(client, 'DescribeTenantBindNumber', { Number: '057188889999' })).Data.List as Array<{ InstanceId: string; InstanceName: string; IsBinding: boolean }>;
      assert.deepEqual(described.filter((row) => row.IsBinding).map((row) => [row.InstanceId, row.InstanceName]), [[a, `A ${client.name}`], [b, `B ${client.name}`]]);
      assert.ok(described.some((row) => !row.IsBinding), 'the tenant\'s other instances are listed unbound');

      const all = (await shaped(client, 'ListAllTenantBindNumberBinding', {})).Data.List as Array<Record<string, unknown>>;
      const entry = all.find((row) => row.Number === '057188889999')!;
      assert.deepEqual(entry.InstanceNameList, [`A ${client.name}`, `B ${client.name}`]);
      assert.equal(entry.TrunkName, 'sip:trunk.example.com:5070;transport=tcp');

      const listed = (await shaped(client, 'ListOutboundCallNumbers', { InstanceId: a, PageNumber: 1, PageSize: 100 })).OutboundCallNumbers.List;
      const id = listed.find((row: { Number: string }) => row.Number === '057188889999').OutboundCallNumberId;
      assert.equal(entry.BindingId, id);
      const modified = await shaped(client, 'ModifyOutboundCallNumber', {
        InstanceId: a, OutboundCallNumberId: id, Number: '+8657188889999', RateLimitCount: 10 + round, RateLimitPeriod: 60,
      });
      const limit = String(10 + round);
      assert.deepEqual(modified.OutboundCallNumber, { OutboundCallNumberId: id, Number: '057188889999', RateLimitCount: limit, RateLimitPeriod: '60' });
      const serialized = (await shaped(client, 'ListAllTenantBindNumberBinding', {})).Data.List.find((row: { BindingId: string }) => row.BindingId === id).SerializedParams;
      assert.deepEqual(JSON.parse(serialized), { rateLimitPeriod: '60', rateLimitCount: limit });
      // The limit is the pool number's: B sees it too.
      const onB = (await shaped(client, 'ListOutboundCallNumbers', { InstanceId: b, PageNumber: 1, PageSize: 100 })).OutboundCallNumbers.List;
      assert.equal(onB.find((row: { OutboundCallNumberId: string }) => row.OutboundCallNumberId === id).RateLimitCount, limit);

      await shaped(client, 'DeleteOutboundCallNumber', { InstanceId: a, OutboundCallNumberId: id });
      assert.ok(!(await boundNumbers(client, a)).includes('057188889999'));
      assert.ok((await boundNumbers(client, b)).includes('057188889999'), 'still bound to the other instance');
      assert.equal((await failure(shaped(client, 'DeleteOutboundCallNumber', { InstanceId: a, OutboundCallNumberId: id }))).code, 'NotExist.CallingNumber');

      // An empty InstanceList clears the bindings.
      assert.deepEqual((await shaped(client, 'CreateInstanceBindNumber', { Number: '057188889999', InstanceList: '' })).Data.List, []);
      assert.ok(!(await boundNumbers(client, b)).includes('057188889999'));
    }
  });

  it('bad input is a 4xx naming the parameter', async () => {
    await cli(server, 'add', '02188889999');
    for (const client of [popCoreClient(server.url, TEST_KEY), openApiCoreClient(server.url, TEST_KEY)]) {
      const instance = (await client.call('CreateInstance', { InstanceName: `bad ${client.name}`, MaxConcurrentConversation: 2 })).Instance.InstanceId;
      const id = (await shaped(client, 'ListOutboundCallNumbers', { InstanceId: instance, PageNumber: 1, PageSize: 1 })).OutboundCallNumbers.List[0].OutboundCallNumberId;
      const cases: Array<[string, Record<string, unknown>, number, string, RegExp?]> = [
        ['CreateInstanceBindNumber', { InstanceList: instance }, 400, 'MissingParameter', /Number/],
        ['CreateInstanceBindNumber', { Number: 'abc', InstanceList: instance }, 400, 'InvalidParameter', /Number/],
        ['CreateInstanceBindNumber', { Number: '01099998888', InstanceList: instance }, 404, 'NotExist.CallingNumber'],
        ['CreateInstanceBindNumber', { Number: '02188889999', InstanceList: Array.from({ length: 101 }, (_, i) => `i${i}`).join(',') }, 400, 'InvalidParameter', /InstanceList/],
        ['DescribeTenantBindNumber', {}, 400, 'MissingParameter', /Number/],
        ['DescribeTenantBindNumber', { Number: '01099998888' }, 404, 'NotExist.CallingNumber'],
        ['ListOutboundCallNumbers', { InstanceId: instance, PageNumber: 0, PageSize: 10 }, 400, 'InvalidParameter', /PageNumber/],
        ['ListOutboundCallNumbers', { InstanceId: 'no-such-instance', PageNumber: 1, PageSize: 10 }, 404, 'NotExist.Instance'],
        ['ModifyOutboundCallNumber', { InstanceId: instance, OutboundCallNumberId: id, Number: '02188889999', RateLimitCount: 1, RateLimitPeriod: 1 }, 400, 'InvalidParameter', /Number/],
        ['ModifyOutboundCallNumber', { InstanceId: instance, OutboundCallNumberId: id, Number: '057188880000', RateLimitCount: -1, RateLimitPeriod: 1 }, 400, 'InvalidParameter', /RateLimitCount/],
        ['ModifyOutboundCallNumber', { InstanceId: instance, OutboundCallNumberId: id, Number: '057188880000', RateLimitCount: 1, RateLimitPeriod: 0 }, 400, 'InvalidParameter', /RateLimitPeriod/],
        ['ModifyOutboundCallNumber', { InstanceId: instance, OutboundCallNumberId: 'nope', Number: '057188880000', RateLimitCount: 1, RateLimitPeriod: 1 }, 404, 'NotExist.CallingNumber'],
        ['DeleteOutboundCallNumber', { InstanceId: instance }, 400, 'MissingParameter', /OutboundCallNumberId/],
        ['DeleteOutboundCallNumber', { InstanceId: instance, OutboundCallNumberId: 'nope' }, 404, 'NotExist.CallingNumber'],
      ];
      for (const [action, params, status, code, message] of cases) {
        const failed = await failure(client.call(action, params));
        assert.equal(failed.code, code, `${client.name} ${action} ${JSON.stringify(params).slice(0, 80)}: ${failed.message}`);
        if (failed.status !== undefined) assert.equal(failed.status, status, `${action} status`);
        if (message) assert.match(failed.message, message);
      }
    }
  });

  it('another tenant sees none of this pool and binds nothing to this tenant\'s instances', async () => {
    const root = popCoreClient(server.url, TEST_KEY);
    const mine = (await root.call('CreateInstance', { InstanceName: 'mine', MaxConcurrentConversation: 2 })).Instance.InstanceId;
    const stranger = await createKey(server, ['--new-account', '--name', 'stranger']);
    const added = await runCli(['numbers', 'add', '057488889999', '--account', stranger.accountId], server.dataDir);
    assert.equal(added.code, 0, added.stderr);
    for (const client of [popCoreClient(server.url, stranger), openApiCoreClient(server.url, stranger)]) {
      assert.equal((await failure(shaped(client, 'DescribeTenantBindNumber', { Number: '057188889999' }))).code, 'NotExist.CallingNumber');
      assert.equal((await failure(shaped(client, 'ListOutboundCallNumbers', { InstanceId: mine, PageNumber: 1, PageSize: 10 }))).code, 'NotExist.Instance');
      const bind = await shaped(client, 'CreateInstanceBindNumber', { Number: '057488889999', InstanceList: mine });
      assert.deepEqual(bind.Data.List, [{ InstanceId: mine, Success: false }]);
      const own = (await shaped(client, 'ListAllTenantBindNumberBinding', {})).Data.List.map((row: { Number: string }) => row.Number);
      assert.ok(own.includes('057488889999') && !own.includes('057188889999'), own.join(','));
      // The owner's number ids are unknown on the stranger's instances.
      const theirs = (await client.call('CreateInstance', { InstanceName: 'theirs', MaxConcurrentConversation: 1 })).Instance.InstanceId;
      const mineId = (await shaped(root, 'ListOutboundCallNumbers', { InstanceId: mine, PageNumber: 1, PageSize: 1 })).OutboundCallNumbers.List[0].OutboundCallNumberId;
      assert.equal((await failure(shaped(client, 'DeleteOutboundCallNumber', { InstanceId: theirs, OutboundCallNumberId: mineId }))).code, 'NotExist.CallingNumber');
    }
    assert.ok((await boundNumbers(root, mine)).length > 0, 'the owner\'s bindings are untouched');
  });

  it('a sub-user may list the numbers of the instances its policy names, and needs instance/* for the tenant-wide actions', async () => {
    const root = popCoreClient(server.url, TEST_KEY);
    const allowed = (await root.call('CreateInstance', { InstanceName: 'allowed', MaxConcurrentConversation: 2 })).Instance.InstanceId;
    const other = (await root.call('CreateInstance', { InstanceName: 'other', MaxConcurrentConversation: 2 })).Instance.InstanceId;
    const policy = { Version: '1', Statement: [{ Effect: 'Allow', Action: 'outboundbot:*', Resource: `acs:outboundbot:*:*:instance/${allowed}` }] };
    const sub = await createKey(server, ['--name', 'numbers-sub', '--policy', JSON.stringify(policy)]);
    for (const client of [popCoreClient(server.url, sub), openApiCoreClient(server.url, sub)]) {
      assert.equal((await boundNumbers(client, allowed)).length, TEST_CALLING_NUMBERS.length);
      assert.equal((await failure(shaped(client, 'ListOutboundCallNumbers', { InstanceId: other, PageNumber: 1, PageSize: 10 }))).code, 'Forbidden.RAM');
      assert.equal((await failure(shaped(client, 'ListAllTenantBindNumberBinding', {}))).code, 'Forbidden.RAM');
      assert.equal((await failure(shaped(client, 'CreateInstanceBindNumber', { Number: '95187', InstanceList: allowed }))).code, 'Forbidden.RAM');
    }
  });
});

describe('outboundbot numbers (the CLI)', () => {
  const server = serverPerSuite();

  it('adds a file of numbers once each, lists them with region, status and trunk, removes one in any written form', async () => {
    const file = join(server.dataDir, 'numbers.txt');
    writeFileSync(file, '# the Shanghai lines\n02188880001\n\n02188880002\n+862188880001\n');
    const added = JSON.parse(await cli(server, 'add', '--file', file, '--trunk', 'sip:10.0.0.5', '--json'));
    assert.deepEqual(added.added.map((row: { Number: string }) => row.Number), ['02188880001', '02188880002']);
    assert.deepEqual(added.present, []);
    assert.equal(await cli(server, 'add', '02188880002'), 'already in the pool: 02188880002\n');
    assert.equal(await cli(server, 'add', '13800138000', '--region', 'Pudong'), 'added 13800138000 (Pudong)\n');
    const table = (await cli(server, 'list')).replace(/\n$/, '').split('\n');
    assert.equal(table[0], 'Number\tRegion\tStatus\tTrunk\tInstances');
    assert.deepEqual(table.slice(1), [
      '02188880001\tShanghai\tActive\tsip:10.0.0.5\t',
      '02188880002\tShanghai\tActive\tsip:10.0.0.5\t',
      '13800138000\tPudong\tActive\t\t',
    ]);
    assert.equal(await cli(server, 'remove', '+86 21 8888 0001'.replace(/ /g, '')), 'removed +862188880001\n');
    assert.deepEqual(JSON.parse(await cli(server, 'list', '--json')).map((row: { Number: string }) => row.Number), ['02188880002', '13800138000']);
  });

  it('refuses what cannot be a pool number with one line and exit 2, writing nothing', async () => {
    const refusals: Array<[string[], RegExp]> = [
      [['add', '12'], /"Number" is invalid/],
      [['add', '02188880003', '--trunk', 'http://trunk.example.com'], /"Trunk" is invalid: must be sip:host/],
      [['add', '02188880003', '--trunk', 'sip:trunk.example.com:70000'], /"Trunk" is invalid/],
      [['add'], /either a number or --file/],
      [['add', '--file', join(server.dataDir, 'absent.txt')], /cannot read/],
      [['remove', '02199990000'], /not in the tenant's number pool/],
      [['list', '--account', 'no-such-account'], /no account no-such-account/],
    ];
    for (const [args, message] of refusals) {
      const result = await runCli(['numbers', ...args], server.dataDir);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, message);
    }
    assert.ok(!(await cli(server, 'list')).includes('02188880003'));
  });
});
