import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { percentEncode } from '../../src/protocol/percent-encode.ts';
import { signV1 } from '../../src/protocol/signature-v1.ts';

/**
 * The vectors come from @alicloud/pop-core itself: a local listener captures what
 * its RPCClient sends, and our signV1 must reproduce the Signature it computed.
 */
const require = createRequire(import.meta.url);
const { RPCClient } = require('@alicloud/pop-core') as {
  RPCClient: new (config: Record<string, unknown>) => {
    request(action: string, params: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
  };
};

const KEY = { accessKeyId: 'LTAItestv1key', accessKeySecret: 'v1-secret/with+odd=chars' };

interface Captured {
  method: string;
  /** The raw encoded parameter string: the form body for POST, the query for GET. */
  encoded: string;
  params: Map<string, string>;
}

const STRATEGY_JSON = JSON.stringify({
  maxAttemptsPerDay: '3',
  minAttemptInterval: '10',
  routingStrategy: 'LocalProvinceFirst',
  repeatDays: ['1', '2', '3'],
  workingTime: [{ beginTime: '10:00:00', endTime: '11:00:00' }],
  repeatable: true,
  endTime: 1707494400000,
  startTime: 1706976000000,
  repeatBy: 'Week',
});

const CASES: Array<{ title: string; params: Record<string, unknown>; expect: Record<string, string> }> = [
  {
    title: 'Chinese text, spaces and the characters * ~ + / = & \' ( ) !',
    params: { InstanceId: 'i-1', JobGroupName: '外呼 任务 *~+/ a=b&c', JobGroupDescription: "it's (ok)!" },
    expect: { JobGroupName: '外呼 任务 *~+/ a=b&c', JobGroupDescription: "it's (ok)!" },
  },
  {
    title: 'a flattened array with more than nine items (CallingNumber.10 sorts before CallingNumber.2)',
    params: { InstanceId: 'i-1', CallingNumber: Array.from({ length: 11 }, (_, i) => `0571${i}`) },
    expect: { 'CallingNumber.1': '05710', 'CallingNumber.2': '05711', 'CallingNumber.10': '05719', 'CallingNumber.11': '057110' },
  },
  {
    title: 'a flattened array of objects (Tags.1.Key)',
    params: { InstanceId: 'i-1', Tags: [{ Key: 'team', Value: '销售 一组' }] },
    expect: { 'Tags.1.Key': 'team', 'Tags.1.Value': '销售 一组' },
  },
  {
    title: 'a JSON-valued parameter (StrategyJson)',
    params: { InstanceId: 'i-1', JobGroupId: 'jg-1', StrategyJson: STRATEGY_JSON },
    expect: { StrategyJson: STRATEGY_JSON },
  },
];

describe('signV1 against @alicloud/pop-core', () => {
  let server: Server;
  let endpoint: string;
  let last: Captured | undefined;

  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = request.url ?? '/';
        const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
        const encoded = request.method === 'POST' ? Buffer.concat(chunks).toString('utf8') : query;
        last = { method: request.method ?? '', encoded, params: new Map(new URLSearchParams(encoded)) };
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function capture(method: 'GET' | 'POST', action: string, params: Record<string, unknown>): Promise<Captured> {
    last = undefined;
    const client = new RPCClient({ ...KEY, endpoint, apiVersion: '2019-12-26' });
    await client.request(action, params, { method });
    const sent = last as Captured | undefined;
    assert.ok(sent, 'the client reached the capture server');
    assert.equal(sent.method, method);
    return sent;
  }

  for (const method of ['POST', 'GET'] as const) {
    describe(`by ${method}`, () => {
      for (const { title, params, expect } of CASES) {
        it(`reproduces the client's signature for ${title}`, async () => {
          const sent = await capture(method, 'CreateJobGroup', params);
          for (const [name, value] of Object.entries(expect)) assert.equal(sent.params.get(name), value, name);
          const signature = sent.params.get('Signature');
          assert.ok(signature, 'the client sent a Signature');
          assert.equal(signV1(method, sent.params, KEY.accessKeySecret), signature);
        });
      }

      it('percentEncode reproduces the client\'s encoding of every name and value on the wire', async () => {
        const sent = await capture(method, 'CreateJobGroup', CASES[0]!.params);
        const ours = [...sent.params].map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
        assert.equal(ours, sent.encoded);
      });
    });
  }

  it('ignores a Signature parameter among the ones it signs', async () => {
    const sent = await capture('POST', 'ListInstances', {});
    const withoutSignature = new Map([...sent.params].filter(([k]) => k !== 'Signature'));
    assert.equal(signV1('POST', withoutSignature, KEY.accessKeySecret), sent.params.get('Signature'));
  });

  it('changes when one parameter value, the method or the secret changes', async () => {
    const sent = await capture('POST', 'CreateJobGroup', CASES[0]!.params);
    const signature = sent.params.get('Signature');
    assert.equal(signV1('POST', sent.params, KEY.accessKeySecret), signature);
    const tampered = new Map(sent.params).set('JobGroupName', '外呼 任务 *~+/ a=b&d');
    assert.notEqual(signV1('POST', tampered, KEY.accessKeySecret), signature);
    assert.notEqual(signV1('GET', sent.params, KEY.accessKeySecret), signature);
    assert.notEqual(signV1('POST', sent.params, `${KEY.accessKeySecret}x`), signature);
  });
});

describe('percentEncode', () => {
  it('keeps the RFC 3986 unreserved characters', () => {
    const unreserved = 'ABCXYZabcxyz0123456789-_.~';
    assert.equal(percentEncode(unreserved), unreserved);
  });

  it('encodes space as %20 and * ! \' ( ) as %XX, unlike form encoding', () => {
    assert.equal(percentEncode(' *!\'()'), '%20%2A%21%27%28%29');
  });

  it('encodes + / = & and non-ASCII text as upper-case %XX of UTF-8 bytes', () => {
    assert.equal(percentEncode('+/=&'), '%2B%2F%3D%26');
    assert.equal(percentEncode('中'), '%E4%B8%AD');
  });
});
