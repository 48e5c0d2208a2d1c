import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { parseAcs3Authorization, sha256Hex, signAcs3, type Acs3Request } from '../../src/protocol/signature-acs3.ts';

/**
 * The vectors come from @alicloud/openapi-core itself: a local listener captures
 * what callApi (RPC style, ACS3-HMAC-SHA256) sends, and signAcs3 must reproduce the
 * Signature in its Authorization header from the request as a server sees it.
 */
const require = createRequire(import.meta.url);
const openApiCore = require('@alicloud/openapi-core');
const OpenApi = openApiCore.default;
const { Config, OpenApiRequest, Params } = openApiCore.$OpenApiUtil;
const { query: flattenQuery } = openApiCore.OpenApiUtil;
const { RuntimeOptions } = require('@alicloud/tea-util');

const KEY = { accessKeyId: 'LTAItestacs3key', accessKeySecret: 'acs3-secret/with+odd=chars' };

interface Captured {
  request: Acs3Request;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  signature: string;
  accessKeyId: string;
}

describe('signAcs3 against @alicloud/openapi-core', () => {
  let server: Server;
  let host: string;
  let last: Captured | undefined;

  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = request.url ?? '/';
        const queryStart = url.indexOf('?');
        const authorization = parseAcs3Authorization(String(request.headers.authorization ?? ''));
        if (authorization) {
          last = {
            request: {
              method: request.method ?? '',
              path: queryStart === -1 ? url : url.slice(0, queryStart),
              query: new Map(new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1))),
              headers: request.headers,
              signedHeaders: authorization.signedHeaders,
              hashedPayload: String(request.headers['x-acs-content-sha256']),
            },
            headers: request.headers,
            rawBody: Buffer.concat(chunks),
            signature: authorization.signature,
            accessKeyId: authorization.accessKeyId,
          };
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Calls the action as the generated SDK does: query flattened, body (if any) form-encoded. */
  async function capture(action: string, query: Record<string, unknown>, body?: Record<string, unknown>): Promise<Captured> {
    last = undefined;
    const client = new OpenApi(new Config({ ...KEY, endpoint: host, protocol: 'http', regionId: 'cn-shanghai' }));
    const request = new OpenApiRequest({ query: flattenQuery(query), ...(body ? { body } : {}) });
    const params = new Params({
      action,
      version: '2019-12-26',
      protocol: 'HTTP',
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });
    await client.callApi(params, request, new RuntimeOptions({ readTimeout: 5_000, connectTimeout: 5_000 }));
    const sent = last as Captured | undefined;
    assert.ok(sent, 'the client reached the capture server with an ACS3 Authorization header');
    assert.equal(sent.accessKeyId, KEY.accessKeyId);
    for (const name of ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) {
      assert.ok(sent.request.signedHeaders.includes(name), `${name} is signed`);
    }
    return sent;
  }

  it('reproduces the signature for query parameters with Chinese text, spaces and * ~ + / =', async () => {
    const sent = await capture('CreateJobGroup', { InstanceId: 'i-1', JobGroupName: '外呼 任务 *~+/ a=b&c', JobGroupDescription: "it's (ok)!" });
    assert.equal(sent.request.query.get('JobGroupName'), '外呼 任务 *~+/ a=b&c');
    assert.equal(signAcs3(sent.request, KEY.accessKeySecret), sent.signature);
  });

  it('reproduces the signature for flattened arrays, including index 10 sorting before 2', async () => {
    const numbers = Array.from({ length: 11 }, (_, i) => `0571${i}`);
    const sent = await capture('CreateJobGroup', { InstanceId: 'i-1', CallingNumber: numbers, Tags: [{ Key: 'team', Value: '销售 一组' }] });
    assert.equal(sent.request.query.get('CallingNumber.1'), '05710');
    assert.equal(sent.request.query.get('CallingNumber.10'), '05719');
    assert.equal(sent.request.query.get('Tags.1.Value'), '销售 一组');
    assert.equal(signAcs3(sent.request, KEY.accessKeySecret), sent.signature);
  });

  it('reproduces the signature of a request without parameters, whose payload hash is that of ""', async () => {
    const sent = await capture('ListInstances', {});
    assert.equal(sent.request.query.size, 0);
    assert.equal(sent.request.hashedPayload, sha256Hex(''));
    assert.equal(signAcs3(sent.request, KEY.accessKeySecret), sent.signature);
  });

  it('reproduces the signature of a form body, whose hash x-acs-content-sha256 carries', async () => {
    const sent = await capture(
      'CreateJobGroup',
      { InstanceId: 'i-1' },
      { JobGroupName: '中文 名称 *~', CallingNumber: ['1', '2'], StrategyJson: '{"repeatBy":"Once"}' },
    );
    const form = new URLSearchParams(sent.rawBody.toString('utf8'));
    assert.equal(form.get('JobGroupName'), '中文 名称 *~');
    assert.equal(form.get('CallingNumber.2'), '2');
    assert.equal(sent.request.query.has('JobGroupName'), false, 'body parameters stay out of the query');
    assert.ok(sent.request.signedHeaders.includes('content-type'));
    assert.equal(sha256Hex(sent.rawBody), sent.headers['x-acs-content-sha256']);
    assert.equal(signAcs3(sent.request, KEY.accessKeySecret), sent.signature);
  });

  it('x-acs-content-sha256 is the hex SHA-256 of the raw body', async () => {
    const sent = await capture('CreateJobGroup', { InstanceId: 'i-1' }, { JobGroupName: 'a b' });
    assert.ok(sent.rawBody.length > 0);
    assert.equal(sha256Hex(sent.rawBody), sent.headers['x-acs-content-sha256']);
    assert.notEqual(sha256Hex(Buffer.concat([sent.rawBody, Buffer.from('x')])), sent.headers['x-acs-content-sha256']);
  });

  it('changes when a query value, a signed header, the payload hash or the secret changes', async () => {
    const sent = await capture('CreateJobGroup', { InstanceId: 'i-1', JobGroupName: '外呼' });
    const { request } = sent;
    assert.equal(signAcs3(request, KEY.accessKeySecret), sent.signature);
    const variants: Acs3Request[] = [
      { ...request, query: new Map(request.query).set('JobGroupName', '外呼!') },
      { ...request, headers: { ...request.headers, 'x-acs-signature-nonce': 'another-nonce' } },
      { ...request, hashedPayload: sha256Hex('x') },
      { ...request, method: 'GET' },
    ];
    for (const variant of variants) assert.notEqual(signAcs3(variant, KEY.accessKeySecret), sent.signature);
    assert.notEqual(signAcs3(request, `${KEY.accessKeySecret}x`), sent.signature);
  });
});

describe('parseAcs3Authorization', () => {
  it('splits a complete header into the key id, the signed header list and the signature', () => {
    const parsed = parseAcs3Authorization('ACS3-HMAC-SHA256 Credential=LTAIx,SignedHeaders=host;x-acs-date,Signature=abc123');
    assert.deepEqual(parsed, { accessKeyId: 'LTAIx', signedHeaders: ['host', 'x-acs-date'], signature: 'abc123' });
  });

  it('returns undefined for another algorithm or a header lacking a field', () => {
    assert.equal(parseAcs3Authorization('ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=b'), undefined);
    assert.equal(parseAcs3Authorization('ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host'), undefined);
    assert.equal(parseAcs3Authorization('ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=b'), undefined);
    assert.equal(parseAcs3Authorization(''), undefined);
  });
});
