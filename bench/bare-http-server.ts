/**
 * The baseline of bench/api.ts: a bare node:http server that answers every request
 * with one fixed response (a real GetJobGroup reply captured by the bench), after
 * reading the request body as any server must. It is the floor the real server is
 * compared with: the same HTTP stack and bytes on the wire, none of the API's work.
 *
 * Usage: node --import tsx bench/bare-http-server.ts <response.json>
 * where the file holds `{ "headers": {...}, "keepAliveTimeoutMs": n, "bodyBase64": "..." }`.
 * Listens on 127.0.0.1, a free port, and prints `{"port":n}` on stdout once it does.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

interface CannedResponse {
  headers: Record<string, string>;
  keepAliveTimeoutMs: number;
  bodyBase64: string;
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: bare-http-server.ts <response.json>\n');
  process.exit(2);
}
const canned = JSON.parse(readFileSync(file, 'utf8')) as CannedResponse;
const bytes = Buffer.from(canned.bodyBase64, 'base64');
// Sent as a string, as fastify sends a serialized payload: node:http then writes
// headers and body in one chunk, where a Buffer body would go out as a second one.
const body = bytes.toString('utf8');
const headers = { ...canned.headers, 'content-length': String(bytes.length) };

const server = createServer((request, response) => {
  request.on('data', () => {});
  request.on('end', () => {
    response.writeHead(200, headers);
    response.end(body);
  });
});
server.keepAliveTimeout = canned.keepAliveTimeoutMs;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
