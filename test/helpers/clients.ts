import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { OutboundBotClient, OutboundBotError, type ActionName } from '../../src/client/index.ts';

const require = createRequire(import.meta.url);
// Both packages are CommonJS with default-export classes; load them as Node would for an integrator.
const openApiCore = require('@alicloud/openapi-core');
const OpenApi = openApiCore.default;
const { Config, OpenApiRequest, Params } = openApiCore.$OpenApiUtil;
const { query: flattenQuery } = openApiCore.OpenApiUtil;
const { RuntimeOptions } = require('@alicloud/tea-util');
const { RPCClient } = require('@alicloud/pop-core') as {
  RPCClient: new (config: Record<string, unknown>) => {
    request(action: string, params: Record<string, unknown>, options?: Record<string, unknown>): Promise<Record<string, unknown>>;
  };
};

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
}

/** One way to call the API; the suites run the same scenarios through each. */
export interface ApiClient {
  name: 'pop-core' | 'openapi-core' | 'typed';
  call(action: string, params?: Record<string, unknown>): Promise<any>;
}

/** The error either client throws, reduced to what tests assert on. */
export interface ClientFailure {
  code: string;
  status: number | undefined;
  message: string;
}

/** @alicloud/pop-core's RPCClient (signature v1), exactly as an integrator would use it. */
export function popCoreClient(url: string, credentials: Credentials, method: 'POST' | 'GET' = 'POST'): ApiClient {
  const client = new RPCClient({ ...credentials, endpoint: url, apiVersion: '2019-12-26' });
  return {
    name: 'pop-core',
    // pop-core hands back null-prototype objects (and BigNumber objects for numbers
    // over 15 digits); a JSON round trip gives plain values, and a BigNumber shows
    // up as a string, which the shape checks then catch.
    call: async (action, params = {}) => JSON.parse(JSON.stringify(await client.request(action, params, { method, timeout: 10_000 }))),
  };
}

/**
 * @alicloud/openapi-core's callApi with RPC style (ACS3-HMAC-SHA256), the way the
 * generated OutboundBot SDK calls it: parameters flattened into the query.
 */
export function openApiCoreClient(url: string, credentials: Credentials): ApiClient {
  const { host, protocol } = new URL(url);
  const client = new OpenApi(
    new Config({ ...credentials, endpoint: host, protocol: protocol.replace(':', ''), regionId: 'cn-shanghai' }),
  );
  return {
    name: 'openapi-core',
    async call(action, params = {}) {
      const request = new OpenApiRequest({ query: flattenQuery(params) });
      const apiParams = new Params({
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
      const response = await client.callApi(apiParams, request, new RuntimeOptions({ readTimeout: 10_000, connectTimeout: 5_000 }));
      return response.body;
    },
  };
}

/**
 * This package's typed client (src/client/), driven by action name as the suites
 * drive the others; one attempt, so a suite sees each error as the server sent it.
 */
export function typedClient(url: string, credentials: Credentials): ApiClient {
  const client = new OutboundBotClient({ ...credentials, endpoint: url, retry: false });
  return {
    name: 'typed',
    call: (action, params = {}) => client.call(action as ActionName, params as never),
  };
}

/** Runs a call expected to fail and returns the error as the client surfaced it. */
export async function failure(promise: Promise<unknown>): Promise<ClientFailure> {
  try {
    await promise;
  } catch (error) {
    // openapi-core exposes the HTTP status as statusCode; pop-core only hands back the
    // body, whose HttpStatusCode the raw-HTTP tests check against the real status; the
    // typed client's OutboundBotError carries the envelope's own field names.
    const e = error as {
      code?: string;
      statusCode?: number;
      data?: { statusCode?: number; HttpStatusCode?: number };
      message?: string;
      Code?: string;
      HttpStatusCode?: number;
    };
    return {
      code: String(e.Code ?? e.code),
      status: e.HttpStatusCode ?? e.statusCode ?? e.data?.statusCode ?? e.data?.HttpStatusCode,
      message: String(e.message),
    };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Runs a typed-client call expected to fail and returns its OutboundBotError. */
export async function typedFailure(promise: Promise<unknown>): Promise<OutboundBotError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OutboundBotError, `an OutboundBotError, not ${String(error)}`);
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
