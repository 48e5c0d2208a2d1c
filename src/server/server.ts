import type { FastifyInstance } from 'fastify';
import { chineseWorkdays } from '../domain/workday-calendar.ts';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { createIdGenerator } from '../domain/ids.ts';
import { advanceClock, registerClockRoutes } from '../control/clock-routes.ts';
import { SystemClock, type Clock } from '../engine/clock.ts';
import { StoredClock } from '../engine/clock-sync.ts';
import { SyncedClock } from '../engine/synced-clock.ts';
import { Engine } from '../engine/engine.ts';
import { RealtimeDriver } from '../engine/realtime-driver.ts';
import { RealTimers } from '../engine/timers.ts';
import { createVirtualRuntime } from '../engine/virtual-runtime.ts';
import { loadCarrierProfile } from '../telephony/simulated/profile.ts';
import { NumberDirectory } from '../telephony/number-directory.ts';
import { SimulatedCarrier } from '../telephony/simulated/simulated-carrier.ts';
import { TEST_CALLING_NUMBERS } from '../telephony/simulated/test-calling-numbers.ts';
import { SimulatedRecorder } from '../telephony/simulated/simulated-recorder.ts';
import { startSipCarrier } from '../telephony/sip/sip-carrier-for.ts';
import { Authenticator } from '../protocol/authenticator.ts';
import { Gateway } from '../protocol/gateway.ts';
import { ACTIONS } from '../protocol/registry.ts';
import { TaskRunner } from '../files/task-runner.ts';
import { createServices, type FileSettings, type Services } from '../services/services.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { registerFileRoutes } from '../files/file-routes.ts';
import { recordingsDir } from '../files/recording-files.ts';
import { offlineTts } from '../speech/tts/offline-tts.ts';
import { buildApp } from './app.ts';
import { registerConsoleRoutes, type ConsoleClock } from './console/console-routes.ts';
import { createLogger } from './logger.ts';

/** How often a node on PostgreSQL looks for file tasks a dead node left unfinished. */
const FILE_TASK_RESCAN_MS = 30_000;
/** How often expired signature nonces are deleted. */
const NONCE_PURGE_INTERVAL_MS = 60_000;

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

  const store = await openStore(config, wallClock);
  // The file pipeline's task queue, built here and handed to the services; upload
  // and download URLs name this server as clients reach it, known once it listens.
  let url = '';
  const files: FileSettings = { tasks: new TaskRunner(logger), dataDir: config.dataDir, baseUrl: () => config.publicUrl ?? url, logger };
  const runtime = await createRuntime(config, store, logger, wallClock, files);
  const { clock, services } = runtime;
  let ready = false;
  let stopping = false;
  const authenticator = new Authenticator(services.accessKeys, wallClock);
  const gateway = new Gateway(ACTIONS, authenticator, services, clock, logger, config.strict);
  // Request ids are time-ordered by the wall clock, so a log read in order reads in id order.
  const app = buildApp({ gateway, logger, requestIds: createIdGenerator(wallClock), isReady: () => ready, isStopping: () => stopping });
  runtime.attach(app);
  registerFileRoutes(app, services.uploads, services.recordings);
  registerConsoleRoutes(app, { gateway, authenticator, logger, wallClock, virtualClock: runtime.consoleClock, httpsOnly: config.publicUrl?.startsWith('https:') });

  try {
    // Nodes starting together on one database bootstrap the root account once.
    const bootstrapped = await store.exclusively('bootstrap-root', () =>
      services.accessKeys.bootstrapRoot({ id: config.accessKeyId, secret: config.accessKeySecret }),
    );
    if (bootstrapped?.generated) announce(generatedKeyNotice(bootstrapped.key.id, bootstrapped.key.secret));
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    await store.close();
    throw error;
  }
  ready = true;
  runtime.start();

  const purge = setInterval(() => {
    store.purgeNonces(wallClock.now()).catch((error) => logger.error({ err: error }, 'nonce purge failed'));
  }, NONCE_PURGE_INTERVAL_MS);
  purge.unref();

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // Background file work (parsing, exports) resumes what a previous process left unfinished.
  await services.fileTasks.start({
    // On a shared database another node may die mid-task: look for its work now and then.
    rescanMs: store.cluster ? FILE_TASK_RESCAN_MS : undefined,
  });
  logger.info({ url, dataDir: config.dataDir, clock: config.clock, timezone: config.timezone }, 'outboundbot is serving');

  return {
    app,
    store,
    services,
    url,
    async close() {
      clearInterval(purge);
      ready = false;
      stopping = true;
      await services.fileTasks.stop();
      await runtime.stop();
      await app.close();
      await store.close();
    },
  };
}

/** The engine side of the server: on the system clock a realtime loop, on the virtual clock the control API. */
interface Runtime {
  clock: Clock;
  services: Services;
  attach(app: FastifyInstance): void;
  /** The virtual clock as the web console moves it; absent on the system clock. */
  consoleClock?: ConsoleClock;
  start(): void;
  stop(): Promise<void>;
}

async function createRuntime(config: Config, store: Store, logger: Logger, wallClock: Clock, files: FileSettings): Promise<Runtime> {
  const profile = loadCarrierProfile(config.simProfile);
  const recorder = config.simRecordings ? new SimulatedRecorder(offlineTts(config.dataDir), recordingsDir(config.dataDir)) : undefined;
  if (config.clock === 'virtual') {
    // Nodes on one PostgreSQL schema share one virtual clock; a lone server keeps its
    // own in the store, so a restarted emulator resumes where its clock stood.
    const sync = store.cluster ? store.cluster.clockSync(logger) : new StoredClock(store);
    const virtual = createVirtualRuntime({
      store,
      start: config.clockStart ?? wallClock.now(),
      zone: config.timezone,
      seed: config.simSeed,
      profile,
      logger,
      sync,
      files,
      recorder,
    });
    await virtual.driver.join();
    return {
      clock: virtual.clock,
      services: virtual.services,
      attach: (app) => registerClockRoutes(app, virtual.clock, virtual.driver),
      consoleClock: { now: () => virtual.clock.now(), advance: (body) => advanceClock(virtual.driver, body) },
      start: () => {},
      stop: async () => {
        virtual.driver.stop();
        await sync.leave();
        virtual.timers.clear();
      },
    };
  }
  // Nodes sharing a PostgreSQL database judge leases and due times by its clock, not their own.
  const cluster = store.cluster;
  const clock = cluster ? new SyncedClock(new SystemClock(), () => cluster.databaseTime()) : new SystemClock();
  if (clock instanceof SyncedClock) {
    await clock.sync();
    clock.keepSynced((error) => logger.warn({ err: error }, 'could not read the database clock; keeping the last offset'));
  }
  const ids = createIdGenerator(clock);
  const work = { wake: () => {} };
  const numbers = new NumberDirectory();
  // On the simulated carrier (the emulator) every new instance gets the test calling numbers; a SIP trunk gets the operator's only.
  const services = createServices({ store, clock, ids, work }, files, { regions: numbers, testNumbers: config.sip ? [] : TEST_CALLING_NUMBERS });
  const timers = new RealTimers(clock, (error) => logger.error({ err: error }, 'timer failed'));
  const sip = config.sip ? await startSipCarrier(config.sip, config.dataDir, clock, logger) : undefined;
  const carrier = sip ?? new SimulatedCarrier(timers, profile, config.simSeed, recorder);
  const driver = new RealtimeDriver(new Engine({ store, clock, carrier, ids, zone: config.timezone, logger, numbers, calendar: chineseWorkdays() }), logger);
  work.wake = () => driver.wake();
  // On PostgreSQL, new due work committed by any node (jobs added, resumed) wakes this one at once.
  let listening: Promise<(() => Promise<void>) | undefined> | undefined;
  return {
    clock,
    services,
    attach: () => {},
    start: () => {
      driver.start();
      if (cluster) {
        listening = cluster.onWork(() => driver.wake()).catch((error) => {
          logger.error({ err: error }, 'listening for work from other nodes failed; polling only');
          return undefined;
        });
      }
    },
    stop: async () => {
      await (await listening)?.();
      await driver.stop();
      await sip?.stop();
      timers.clear();
      if (clock instanceof SyncedClock) clock.stop();
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
