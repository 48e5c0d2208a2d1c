import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { createIdGenerator } from '../domain/ids.ts';
import { registerClockRoutes } from '../control/clock-routes.ts';
import { ManualClock, SystemClock, type Clock } from '../engine/clock.ts';
import { Engine } from '../engine/engine.ts';
import { RealtimeDriver } from '../engine/realtime-driver.ts';
import { RealTimers, VirtualTimers } from '../engine/timers.ts';
import { VirtualDriver } from '../engine/virtual-driver.ts';
import { loadCarrierProfile } from '../telephony/simulated/profile.ts';
import { SimulatedCarrier } from '../telephony/simulated/simulated-carrier.ts';
import { Authenticator } from '../protocol/authenticator.ts';
import { Gateway } from '../protocol/gateway.ts';
import { ACTIONS } from '../protocol/registry.ts';
import { createServices, type Services } from '../services/services.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { buildApp } from './app.ts';
import { createLogger } from './logger.ts';

/** How often expired signature nonces are deleted. */
const NONCE_PURGE_INTERVAL_MS = 60_000;
/** Where the virtual clock's time is kept, so a restarted emulator resumes from it. */
const VIRTUAL_NOW_SETTING = 'virtual_clock_now';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  services: Services;
  /** The address actually bound (port 0 picks a free one). */
  url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  config: Config;
  logger?: Logger;
  wallClock?: Clock;
  /** Where the generated root key is shown once; stdout by default. */
  announce?: (text: string) => void;
}

/** The composition root: store, services, gateway and HTTP server, started in that order. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const wallClock = options.wallClock ?? new SystemClock();
  const announce = options.announce ?? ((text: string) => process.stdout.write(text));

  const virtualClock = config.clock === 'virtual' ? new ManualClock(config.clockStart ?? wallClock.now()) : undefined;
  const clock: Clock = virtualClock ?? new SystemClock();
  const store = openSqliteStore(config.dataDir, clock);
  if (virtualClock) {
    // A restarted emulator resumes where its clock stood: time never runs backwards.
    const saved = Number((await store.getSetting(VIRTUAL_NOW_SETTING)) ?? 0);
    if (saved > virtualClock.now()) virtualClock.set(saved);
  }
  const ids = createIdGenerator(clock);
  const work = { wake: () => {} };
  const services = createServices({ store, clock, ids, work });
  const virtualTimers = virtualClock ? new VirtualTimers() : undefined;
  const timers = virtualTimers ?? new RealTimers(clock, (error) => logger.error({ err: error }, 'timer failed'));
  const carrier = new SimulatedCarrier(timers, loadCarrierProfile(config.simProfile), config.simSeed);
  const engine = new Engine({ store, clock, carrier, ids, zone: config.timezone, logger });
  let ready = false;
  const gateway = new Gateway(ACTIONS, new Authenticator(store, wallClock), services, clock, logger);
  const app = buildApp({ gateway, logger, isReady: () => ready });
  let realtime: RealtimeDriver | undefined;
  if (virtualClock && virtualTimers) {
    const saveNow = (now: number) => store.setSetting(VIRTUAL_NOW_SETTING, String(now));
    const driver = new VirtualDriver(engine, virtualClock, virtualTimers, store, saveNow);
    registerClockRoutes(app, virtualClock, driver, saveNow);
  } else {
    realtime = new RealtimeDriver(engine, logger);
    work.wake = () => realtime?.wake();
  }

  try {
    const bootstrapped = await services.accessKeys.bootstrapRoot({ id: config.accessKeyId, secret: config.accessKeySecret });
    if (bootstrapped?.generated) announce(generatedKeyNotice(bootstrapped.key.id, bootstrapped.key.secret));
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    await store.close();
    throw error;
  }
  ready = true;
  realtime?.start();

  const purge = setInterval(() => {
    store.purgeNonces(wallClock.now()).catch((error) => logger.error({ err: error }, 'nonce purge failed'));
  }, NONCE_PURGE_INTERVAL_MS);
  purge.unref();

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, dataDir: config.dataDir, clock: config.clock, timezone: config.timezone }, 'outboundbot is serving');

  return {
    app,
    store,
    services,
    url,
    async close() {
      clearInterval(purge);
      ready = false;
      await realtime?.stop();
      timers.clear();
      await app.close();
      await store.close();
    },
  };
}

function generatedKeyNotice(id: string, secret: string): string {
  return [
    '',
    'No AccessKey was configured, so one was generated for the root account.',
    'It is shown only this once; store it now (or set OUTBOUNDBOT_ACCESS_KEY_ID/SECRET):',
    `  AccessKeyId:     ${id}`,
    `  AccessKeySecret: ${secret}`,
    '',
  ].join('\n');
}
