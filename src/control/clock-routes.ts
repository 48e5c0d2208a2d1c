import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ManualClock } from '../engine/clock.ts';
import { ClockBackwardsError, DriverStoppedError, type VirtualDriver } from '../engine/virtual-driver.ts';
import { errorResponse } from '../protocol/envelope.ts';

/** The furthest one request may move the clock: ten years. */
const MAX_ADVANCE_MS = 10 * 366 * 24 * 3600 * 1000;

const advanceSchema = z.union([
  z.object({ advanceMs: z.number().int().min(0).max(MAX_ADVANCE_MS) }).strict(),
  z.object({ to: z.number().int().min(0) }).strict(),
]);

/**
 * Emulator-only control API, registered only on the virtual clock and kept apart
 * from the Alibaba API: `GET /_outboundbot/clock` tells the virtual time;
 * `POST /_outboundbot/clock` with `{"advanceMs": N}` or `{"to": epochMs}` moves it
 * and answers once the engine has processed everything due up to then.
 */
export function registerClockRoutes(app: FastifyInstance, clock: ManualClock, driver: VirtualDriver): void {
  app.get('/_outboundbot/clock', async () => ({ now: clock.now() }));

  app.post('/_outboundbot/clock', async (request, reply) => {
    const fail = (message: string, code: 'InvalidParameter' | 'ServiceUnavailable' = 'InvalidParameter') => {
      const { status, body } = errorResponse(randomUUID().toUpperCase(), String(request.headers.host ?? ''), code, message);
      return reply.code(status).send(body);
    };
    let input: unknown;
    try {
      input = JSON.parse(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
    } catch {
      return fail('The body must be JSON: {"advanceMs": N} or {"to": epochMs}.');
    }
    const parsed = advanceSchema.safeParse(input);
    if (!parsed.success) return fail('The body must be {"advanceMs": N} (0 to ten years) or {"to": epochMs}.');
    const advance = parsed.data;
    try {
      return { now: await ('advanceMs' in advance ? driver.advanceBy(advance.advanceMs) : driver.advanceTo(advance.to)) };
    } catch (error) {
      // Another node may have moved the shared clock past the target meanwhile.
      if (error instanceof ClockBackwardsError) return fail(`The virtual clock cannot go backwards (now ${error.now}).`);
      if (error instanceof DriverStoppedError) {
        return fail(`The server is shutting down: the virtual clock stopped at ${error.now}, with everything due by then processed. Advance again once it has restarted.`, 'ServiceUnavailable');
      }
      throw error;
    }
  });
}
