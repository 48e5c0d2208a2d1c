import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { OutboundBotClient } from '../../src/client/index.ts';
import { flattenParameters } from '../../src/client/flatten.ts';
import { acsDate, signRequest } from '../../src/client/signer.ts';
import { openApiCoreClient } from '../helpers/clients.ts';

const require = createRequire(import.meta.url);
// The module openapi-core's callApi takes its nonce, timestamp and hashes from: the
// test fixes the first two and records what the third hashes (the canonical request).
const openApiUtils = require('@alicloud/openapi-core/dist/utils.js').default as {
  getNonce(): string;
  getTimestamp(): string;
  hash(raw: Buffer, algorithm: string): Buffer;
};
const { query: officialFlatten } = require('@alicloud/openapi-core').OpenApiUtil as { query(filter: object): Record<string, string> };

const KEY = { accessKeyId: 'LTAIsigningTest0000001', accessKeySecret: 'signing-secret-!*()~ 测试' };
const NONCE = '3f1c9a0e8b7d46a2b5c4d3e2f1a0b9c8';
const DATE = new Date('2026-12-04T20:10:07.123Z');

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** Inputs that exercise the encoding: arrays, objects in arrays, JSON text, unicode, reserved characters, empty values. */
const CASES: Array<[string, string, Record<string, unknown>]> = [
  ['no parameters', 'ListInstances', {}],
  ['scalars of every kind', 'ListJobGroups', { InstanceId: 'inst-1', PageNumber: 2, PageSize: 50, OnlyMinConcurrencyEnabled: true, SearchText: '' }],
  [
    'arrays, JSON text and reserved characters',
    'AssignJobs',
    {
      InstanceId: 'inst-1',
      JobGroupId: 'jg-1',
      JobsJson: [JSON.stringify({ referenceId: 'r 1', contacts: [{ phoneNumber: '+86 138-0000-0000', name: '张三' }] }), '{"x":"*~!\'()"}'],
      CallingNumber: ['0571 1234', '0571*5678'],
    },
  ],
  ['objects in arrays', 'ListInstances', { Tag: [{ Key: 'env', Value: 'prod & test' }, { Key: 'team/ops', Value: '100%' }], Name: 'a+b=c' }],
];

describe('the typed client signs as @alicloud/openapi-core does', () => {
  let server: Server;
  let url = '';
  const seen: Seen[] = [];
  const hashed: string[] = [];
  const saved = { getNonce: openApiUtils.getNonce, getTimestamp: openApiUtils.getTimestamp, hash: openApiUtils.hash };

  before(async () => {
    openApiUtils.getNonce = () => NONCE;
    openApiUtils.getTimestamp = () => acsDate(DATE);
    openApiUtils.hash = (raw, algorithm) => {
      hashed.push(raw.toString('utf8'));
      return saved.hash.call(openApiUtils, raw, algorithm);
    };
    server = createServer((request, response) => {
      seen.push({ method: request.method!, url: request.url!, headers: request.headers });
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ RequestId: 'r-1', Success: true, Code: 'OK', HttpStatusCode: 200 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    Object.assign(openApiUtils, saved);
    await new Promise((resolve) => server.close(resolve));
  });

  for (const [title, action, params] of CASES) {
    it(`${title}: same query, same signed headers, same canonical request, same Authorization`, async () => {
      seen.length = 0;
      hashed.length = 0;
      await openApiCoreClient(url, KEY).call(action, params);
      const official = seen[0]!;
      // The canonical request is the one hashed input that starts with the method (the other is the empty body).
      const officialCanonical = hashed.find((text) => text.startsWith('POST\n'));
      assert.ok(officialCanonical, 'openapi-core hashed a canonical request');

      seen.length = 0;
      const client = new OutboundBotClient({ ...KEY, endpoint: url, now: () => DATE, nonce: () => NONCE, retry: false });
      await client.call(action as 'ListInstances', params);
      const ours = seen[0]!;

      assert.equal(ours.method, official.method);
      assert.deepEqual(queryPairs(ours.url), queryPairs(official.url));
      for (const name of Object.keys(official.headers).filter((h) => h === 'host' || h.startsWith('x-acs-'))) {
        assert.equal(ours.headers[name], official.headers[name], `header ${name}`);
      }
      assert.equal(ours.headers.authorization, official.headers.authorization);

      const signed = signRequest({
        method: 'POST',
        host: new URL(url).host,
        action,
        version: '2019-12-26',
        query: flattenParameters(params, []),
        ...KEY,
        date: DATE,
        nonce: NONCE,
        userAgent: 'any: the user agent is not signed',
      });
      assert.equal(signed.canonicalRequest, officialCanonical);
      assert.equal(signed.headers.authorization, official.headers.authorization);
    });
  }

  it('with an STS token: the same token headers and the same Authorization', async () => {
    const sts = { ...KEY, securityToken: 'CAIS-sts-token/+=' };
    seen.length = 0;
    await openApiCoreClient(url, sts).call('ListInstances', { PageSize: 10 });
    const official = seen[0]!;
    seen.length = 0;
    await new OutboundBotClient({ ...sts, endpoint: url, now: () => DATE, nonce: () => NONCE, retry: false }).listInstances({ PageSize: 10 });
    const ours = seen[0]!;
    assert.equal(ours.headers['x-acs-security-token'], 'CAIS-sts-token/+=');
    for (const name of ['x-acs-security-token', 'x-acs-accesskey-id', 'x-acs-credentials-provider', 'authorization']) {
      assert.equal(ours.headers[name], official.headers[name], `header ${name}`);
    }
  });

  it('flattens nested parameters exactly as OpenApiUtil.query does', () => {
    const nested = {
      Name: 'x',
      Count: 3,
      Flag: false,
      Skipped: undefined,
      Nothing: null,
      List: ['a', null, 'c'],
      Objects: [{ Key: 'k', Value: 'v', Deeper: [{ A: 1 }] }, { Key: 'k2' }],
      Grid: [['a', 'b'], ['c']],
    };
    assert.deepEqual(Object.fromEntries(flattenParameters(nested, [])), officialFlatten(nested));
  });

  it('sends a JSON-valued parameter given as an object as its JSON text', () => {
    const flat = flattenParameters({ StrategyJson: { maxAttemptsPerDay: 2 }, JobsJson: [{ referenceId: 'a' }, '{"referenceId":"b"}'] }, ['StrategyJson', 'JobsJson']);
    assert.deepEqual(Object.fromEntries(flat), {
      StrategyJson: '{"maxAttemptsPerDay":2}',
      'JobsJson.1': '{"referenceId":"a"}',
      'JobsJson.2': '{"referenceId":"b"}',
    });
  });
});

/** The decoded query pairs of a request URL, in order. */
function queryPairs(url: string): Array<[string, string]> {
  return [...new URL(url, 'http://x').searchParams];
}
