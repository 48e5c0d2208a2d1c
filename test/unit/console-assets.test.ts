import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import pino from 'pino';
import { ApiError } from '../../src/domain/errors.ts';
import { registerConsoleAssets } from '../../src/server/console/console-assets.ts';
import { errorHandler } from '../../src/server/error-handler.ts';

function appServing(dist: string) {
  const app = Fastify();
  app.setErrorHandler(errorHandler(pino({ level: 'silent' })));
  registerConsoleAssets(app, dist);
  // As app.ts answers unknown paths.
  app.setNotFoundHandler(async () => {
    throw new ApiError('NotFound');
  });
  return app;
}

describe('the console files', () => {
  const dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><script type="module" src="/console/assets/app-abc.js"></script>');
  writeFileSync(join(dist, 'assets/app-abc.js'), 'console.log("app");'.repeat(50));
  after(() => rmSync(dist, { recursive: true, force: true }));

  it('serves index.html uncached, with a script-src self CSP that forbids framing', async () => {
    const app = appServing(dist);
    for (const url of ['/console', '/console/']) {
      const page = await app.inject({ url });
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.equal(page.headers['cache-control'], 'no-cache');
      assert.match(String(page.headers['content-security-policy']), /script-src 'self';/);
      assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
    }
  });

  it('serves hashed assets for good, gzipped when the client takes gzip', async () => {
    const app = appServing(dist);
    const plain = await app.inject({ url: '/console/assets/app-abc.js' });
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(plain.headers['content-type']), /^text\/javascript/);
    const zipped = await app.inject({ url: '/console/assets/app-abc.js', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(zipped.rawPayload).toString(), plain.body);
    assert.ok(zipped.rawPayload.length < plain.rawPayload.length);
  });

  it('answers only the files of the build: no path reaches the file system', async () => {
    const app = appServing(dist);
    for (const url of ['/console/assets/../index.html', '/console/assets/%2e%2e/%2e%2e/package.json', '/console/assets/nope.js', '/console/assets/']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().Code, 'NotFound');
    }
  });

  it('without a build, says how to make one, in the API envelope', async () => {
    const app = appServing(join(dist, 'missing'));
    const response = await app.inject({ url: '/console' });
    assert.equal(response.statusCode, 503);
    assert.match(response.json().Message, /npm run build:console/);
  });
});
