import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../domain/errors.ts';

/** Where `npm run build:console` (run by `npm install` / `npm ci` through `prepare`) writes the built UI. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

/**
 * Scripts only from this origin, no inline script, no framing (clickjacking), nothing
 * sent to other sites. Styles allow inline `style` attributes, which the chart sets.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
  /** Vite names its assets by content hash, so they can be cached for good; index.html never. */
  immutable: boolean;
}

/**
 * Serves the built console from memory: every file of console/dist is read once at
 * start (a few hundred KB) with a gzip copy, and only those exact paths answer, so
 * no request path ever reaches the file system. Without a build, /console answers
 * 503 with the command that makes one.
 */
export function registerConsoleAssets(app: FastifyInstance, dist = CONSOLE_DIST): void {
  const assets = loadAssets(dist);
  const index = assets.get('index.html');

  const serve = (asset: Asset | undefined, request: FastifyRequest, reply: FastifyReply) => {
    if (!asset) {
      if (!index) throw new ApiError('ServiceUnavailable', 'The console is not built: run `npm run build:console` (npm install runs it).');
      throw new ApiError('NotFound', `No console file ${request.url.split('?')[0]}.`);
    }
    reply.headers(SECURITY_HEADERS).header('content-type', asset.type);
    reply.header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    reply.header('vary', 'accept-encoding');
    if (String(request.headers['accept-encoding'] ?? '').includes('gzip')) return reply.header('content-encoding', 'gzip').send(asset.gzipped);
    return reply.send(asset.body);
  };

  app.get('/console', async (request, reply) => serve(index, request, reply));
  app.get('/console/', async (request, reply) => serve(index, request, reply));
  app.get<{ Params: { '*': string } }>('/console/assets/*', async (request, reply) => serve(assets.get(`assets/${request.params['*']}`), request, reply));
}

function loadAssets(dist: string): Map<string, Asset> {
  try {
    return readBuild(dist);
  } catch {
    // A build being rewritten while the server starts (files gone between listing and
    // reading) counts as no build: /console says how to make one, the API serves on.
    return new Map();
  }
}

function readBuild(dist: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(join(dist, 'index.html'))) return assets;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const body = readFileSync(path);
      const relativePath = relative(dist, path).split('\\').join('/');
      const type = TYPES[extname(name)] ?? 'application/octet-stream';
      assets.set(relativePath, { type, body, gzipped: gzipSync(body), immutable: relativePath.startsWith('assets/') });
    }
  };
  walk(dist);
  return assets;
}
