import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../domain/errors.ts';
import type { ManualClock } from '../engine/clock.ts';
import { ClockBackwardsError, DriverStoppedError, type VirtualDriver } from '../engine/virtual-driver.ts';

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

  // Failures are thrown to the app's one error handler, which answers the API's envelope.
  app.post('/_outboundbot/clock', async (request) => ({ now: await advanceClock(driver, request.body) }));
}

/**
 * Moves the virtual clock as a request body asks (`{"advanceMs": N}` or `{"to":
 * epochMs}`) and resolves with the new time once everything due is processed. The
 * control API above and the web console's clock (src/server/console/) both call it;
 * every failure is an ApiError.
 */
export async function advanceClock(driver: VirtualDriver, body: unknown): Promise<number> {
  let input: unknown;
  try {
    input = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : '');
  } catch {
    throw new ApiError('InvalidParameter', 'The body must be JSON: {"advanceMs": N} or {"to": epochMs}.');
  }
  const parsed = advanceSchema.safeParse(input);
  if (!parsed.success) throw new ApiError('InvalidParameter', 'The body must be {"advanceMs": N} (0 to ten years) or {"to": epochMs}.');
  const advance = parsed.data;
  try {
    return await ('advanceMs' in advance ? driver.advanceBy(advance.advanceMs) : driver.advanceTo(advance.to));
  } catch (error) {
    // Another node may have moved the shared clock past the target meanwhile.
    if (error instanceof ClockBackwardsError) throw new ApiError('InvalidParameter', `The virtual clock cannot go backwards (now ${error.now}).`);
    if (error instanceof DriverStoppedError) {
      throw new ApiError('ServiceUnavailable', `The server is shutting down: the virtual clock stopped at ${error.now}, with everything due by then processed. Advance again once it has restarted.`);
    }
    throw error;
  }
}
