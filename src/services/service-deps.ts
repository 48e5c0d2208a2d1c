import type { IdGenerator } from '../domain/ids.ts';
import type { Clock } from '../engine/clock.ts';
import type { Store } from '../store/store.ts';

/**
 * What every service is built with. It lives apart from services.ts (which builds
 * them all) so that a service imports what it needs without importing the others.
 */

/** Lets services tell the engine that new work may be due (new jobs, a resumed group). */
export interface WorkSignal {
  wake(): void;
}

/** What every service needs; services are the only callers of the Store. */
export interface ServiceDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  /** Defaults to doing nothing (the virtual clock processes work when advanced). */
  work?: WorkSignal;
}
