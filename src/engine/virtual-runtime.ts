import type { Logger } from 'pino';
import { createIdGenerator } from '../domain/ids.ts';
import { chineseWorkdays, type WorkdayCalendar } from '../domain/workday-calendar.ts';
import { createServices, type FileSettings, type Services } from '../services/services.ts';
import type { Store } from '../store/store.ts';
import type { CarrierProfile } from '../telephony/simulated/profile.ts';
import { NumberDirectory } from '../telephony/number-directory.ts';
import { SimulatedCarrier } from '../telephony/simulated/simulated-carrier.ts';
import { TEST_CALLING_NUMBERS } from '../telephony/simulated/test-calling-numbers.ts';
import type { SimulatedRecorder } from '../telephony/simulated/simulated-recorder.ts';
import { ManualClock } from './clock.ts';
import type { ClockSync } from './clock-sync.ts';
import { Engine } from './engine.ts';
import { VirtualTimers } from './timers.ts';
import { VirtualDriver } from './virtual-driver.ts';

/**
 * Everything needed to run campaigns in-process on virtual time over a store: the
 * services the API uses, the engine with the simulated carrier, and the driver that
 * moves the clock. The emulator server, `outboundbot simulate` and the engine's
 * property tests all build it the same way.
 */
export interface VirtualRuntime {
  clock: ManualClock;
  services: Services;
  engine: Engine;
  driver: VirtualDriver;
  timers: VirtualTimers;
}

export interface VirtualRuntimeOptions {
  store: Store;
  start: number;
  zone: string;
  seed: string;
  profile: CarrierProfile;
  logger: Logger;
  /** How the clock is kept and shared with other nodes; neither by default. */
  sync?: ClockSync;
  /** The file pipeline's task queue, data dir and public address (createServices). */
  files: FileSettings;
  /** Where id bytes come from; the system CSPRNG unless a replayable run asks for seededBytes. */
  idBytes?: (size: number) => Uint8Array;
  /** Records answered calls (OUTBOUNDBOT_SIM_RECORDINGS=on); none by default. */
  recorder?: SimulatedRecorder;
  /** The working days of instances' OnlyWorkdays; the Chinese calendar (chinese-days) unless given. */
  calendar?: WorkdayCalendar;
}

export function createVirtualRuntime(options: VirtualRuntimeOptions): VirtualRuntime {
  const { store, zone, seed, profile, logger } = options;
  const clock = new ManualClock(options.start);
  const ids = createIdGenerator(clock, options.idBytes);
  const numbers = new NumberDirectory();
  // The simulated carrier's world: every new instance gets the test calling numbers.
  const services = createServices({ store, clock, ids }, options.files, { regions: numbers, testNumbers: TEST_CALLING_NUMBERS });
  const timers = new VirtualTimers();
  const carrier = new SimulatedCarrier(timers, profile, seed, options.recorder);
  const engine = new Engine({ store, clock, carrier, ids, zone, logger, numbers, calendar: options.calendar ?? chineseWorkdays() });
  const driver = new VirtualDriver(engine, clock, timers, store, options.sync);
  return { clock, services, engine, driver, timers };
}
