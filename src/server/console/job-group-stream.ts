import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ApiError } from '../../domain/errors.ts';
import type { Authenticator } from '../../protocol/authenticator.ts';
import type { Gateway } from '../../protocol/gateway.ts';
import type { SessionGuard } from './session-guard.ts';
import type { SessionStore } from './session-store.ts';

/** How often the server reads a watched group's counters (one read per group and key, however many consoles watch it). */
export const STREAM_REFRESH_MS = 1000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

interface Subscriber {
  token: string;
  response: ServerResponse;
}

/** One group watched with one AccessKey: its consoles share each read. */
interface Watch {
  accessKeyId: string;
  instanceId: string;
  jobGroupId: string;
  subscribers: Set<Subscriber>;
  /** The last JobGroup sent, as JSON, so an unchanged one is not sent again. */
  last: string;
}

/**
 * `GET /console/events/job-group?InstanceId=..&JobGroupId=..`: a job group's live
 * counters as server-sent events, so the browser runs no polling loop. The first
 * event is GetJobGroup's JobGroup, run through the gateway like any console request
 * (RAM policy, account isolation); then the server reads the group again every
 * STREAM_REFRESH_MS, at once after any console action or clock advance, and sends it
 * when it changed. Each read goes through the gateway with the key as it is now, so
 * a key disabled or a policy narrowed since closes the stream with a `refused` event;
 * a session that ended closes it with `end`.
 */
export class JobGroupStream {
  private readonly watches = new Map<string, Watch>();
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly gateway: Gateway,
    private readonly authenticator: Authenticator,
    private readonly guard: SessionGuard,
    private readonly sessions: SessionStore,
    private readonly logger: Logger,
  ) {}

  register(app: FastifyInstance): void {
    // Open streams would hold the server's close until their clients leave.
    app.addHook('preClose', async () => this.close());

    app.get<{ Querystring: Record<string, string | undefined> }>('/console/events/job-group', async (request, reply) => {
      const { caller } = await this.guard.reader(request);
      const instanceId = request.query.InstanceId ?? '';
      const jobGroupId = request.query.JobGroupId ?? '';
      const first = await this.read(caller.accessKeyId, instanceId, jobGroupId, request.id);
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
      const key = `${caller.accessKeyId}\n${instanceId}\n${jobGroupId}`;
      let watch = this.watches.get(key);
      if (!watch) {
        watch = { accessKeyId: caller.accessKeyId, instanceId, jobGroupId, subscribers: new Set(), last: '' };
        this.watches.set(key, watch);
      }
      watch.last = first;
      const subscriber = { token: this.guard.tokenOf(request)!, response };
      watch.subscribers.add(subscriber);
      send(response, 'jobgroup', first);
      response.on('close', () => {
        watch.subscribers.delete(subscriber);
        if (watch.subscribers.size === 0 && this.watches.get(key) === watch) this.watches.delete(key);
      });
      this.startTimers();
    });
  }

  /** Reads every watched group now (after a console action or a clock advance), not at the next tick. */
  refresh(): void {
    if (this.watches.size > 0) void this.tick();
  }

  close(): void {
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    this.timer = this.heartbeat = undefined;
    for (const watch of this.watches.values()) for (const subscriber of watch.subscribers) subscriber.response.end();
    this.watches.clear();
  }

  private startTimers(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), STREAM_REFRESH_MS).unref();
    this.heartbeat = setInterval(() => {
      for (const watch of this.watches.values()) for (const { response } of watch.subscribers) response.write(': keep-alive\n\n');
    }, HEARTBEAT_MS).unref();
  }

  /** One pass over the watches; a pass asked for while one runs runs once more after it. */
  private tick(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.readAll().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        void this.tick();
      }
    });
    return this.reading;
  }

  private async readAll(): Promise<void> {
    for (const [key, watch] of [...this.watches]) {
      for (const subscriber of watch.subscribers) {
        if (!this.sessions.peek(subscriber.token)) {
          send(subscriber.response, 'end', JSON.stringify({ Code: 'Console.NotSignedIn' }));
          subscriber.response.end();
          watch.subscribers.delete(subscriber);
        }
      }
      if (watch.subscribers.size === 0) {
        this.watches.delete(key);
        continue;
      }
      let body: string;
      try {
        body = await this.read(watch.accessKeyId, watch.instanceId, watch.jobGroupId, 'console-stream');
      } catch (error) {
        const code = error instanceof ApiError ? error.code : 'InternalError';
        // As the one error handler does: a cause that is not the caller's fault is logged, never sent.
        if (!(error instanceof ApiError)) this.logger.error({ err: error, jobGroupId: watch.jobGroupId }, 'reading a job group for the console stream failed');
        for (const { response } of watch.subscribers) {
          send(response, 'refused', JSON.stringify({ Code: code }));
          response.end();
        }
        this.watches.delete(key);
        continue;
      }
      if (body === watch.last) continue;
      watch.last = body;
      for (const { response } of watch.subscribers) send(response, 'jobgroup', body);
    }
    if (this.watches.size === 0) this.close();
  }

  private async read(accessKeyId: string, instanceId: string, jobGroupId: string, requestId: string): Promise<string> {
    const caller = await this.authenticator.callerForKey(accessKeyId);
    const params = new Map([
      ['InstanceId', instanceId],
      ['JobGroupId', jobGroupId],
    ]);
    const reply = await this.gateway.runAction(caller, 'GetJobGroup', params, requestId);
    return JSON.stringify(reply.JobGroup);
  }
}

function send(response: ServerResponse, event: string, data: string): void {
  response.write(`event: ${event}\ndata: ${data}\n\n`);
}
