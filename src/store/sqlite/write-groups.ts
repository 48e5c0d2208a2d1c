import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type Database from 'better-sqlite3';

/**
 * Write groups: one flow's many small transactions committed together.
 *
 * A virtual-clock walk settles and starts calls a virtual second at a time, and on
 * SQLite the largest part of a step's cost (41 %) was its COMMIT. While a walk runs
 * in a group, its store calls run as savepoints (better-sqlite3 nests a transaction
 * inside an open one that way) of one transaction that is committed at every
 * `checkpointsPerCommit`-th checkpoint the walk passes and when it ends. Each call is still atomic, so a walk
 * that fails commits what it did (but see `atomic`: the engine's round writes, when
 * one fails, take the group with them); a process killed mid-group loses only the group,
 * and with it the virtual time it had reached (the clock is stored in the same
 * transaction), so the data and the clock stay consistent.
 *
 * Every other caller of the store waits while a group is open (the group commits at
 * the next checkpoint then): what it writes is committed before it is answered, and
 * it never reads a group's uncommitted state.
 * The owner is known by its async context (AsyncLocalStorage), so the engine, the
 * carrier and the dialog runtime inside the walk pass without being told.
 */
export class WriteGroups {
  private readonly owner = new AsyncLocalStorage<OpenGroup>();
  private open: OpenGroup | undefined;
  /** Callers outside the open group waiting for it to commit. */
  private waiting = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly checkpointsPerCommit = DEFAULT_CHECKPOINTS_PER_COMMIT,
  ) {}

  /** Runs `body` in a group; it calls `checkpoint` where its writes may be committed (between steps). */
  async run<T>(body: (checkpoint: () => Promise<void>) => Promise<T>): Promise<T> {
    const mine = this.owner.getStore();
    if (mine && mine === this.open) return body(() => this.checkpoint(mine));
    await this.closed();
    const group = new OpenGroup();
    this.begin(group);
    try {
      return await this.owner.run(group, () => body(() => this.checkpoint(group)));
    } finally {
      this.commit(group);
    }
  }

  /** Resolves once no group is open, or at once for the owner of the open one. */
  async closed(): Promise<void> {
    while (this.open && this.owner.getStore() !== this.open) {
      this.waiting++;
      try {
        await this.open.ended;
      } finally {
        this.waiting--;
      }
    }
  }

  /**
   * Runs `write` as one atomic unit. Outside a group that is its own transaction (a
   * savepoint when nested in one). Inside the caller's own group it runs with no
   * savepoint: a savepoint copies every page it touches to a statement journal
   * first, which cost a busy campaign about 80 µs a virtual-clock step (10–13 % of
   * its time). Atomicity then comes from the group: a write that fails rolls back
   * the whole group since its last commit, as a crash there would (the stored clock
   * goes back with it, and calls it had started are gone or settled by their
   * leases), and closes it; the caller's later writes commit one by one.
   */
  atomic<T>(write: () => T): T {
    const group = this.open;
    // A group whose transaction SQLite itself ended (a full disk) has no atomicity to lend.
    if (!group || this.owner.getStore() !== group || !this.db.inTransaction) return this.db.transaction(write)();
    try {
      return write();
    } catch (error) {
      this.abort(group);
      throw error;
    }
  }

  /** True when the caller must wait for `closed` before touching the store. */
  mustWait(): boolean {
    return this.open !== undefined && this.owner.getStore() !== this.open;
  }

  private async checkpoint(group: OpenGroup): Promise<void> {
    // A caller waiting outside is let in at the next step, however few the group holds.
    if (this.open !== group || (++group.checkpoints < this.checkpointsPerCommit && this.waiting === 0)) return;
    this.commit(group);
    // Let the callers that waited (and any I/O) run before the next group opens.
    await nextTurn();
    await this.closed();
    this.begin(group);
  }

  private begin(group: OpenGroup): void {
    group.reset();
    this.db.exec('BEGIN IMMEDIATE');
    this.open = group;
  }

  private abort(group: OpenGroup): void {
    this.open = undefined;
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } finally {
      group.end();
    }
  }

  private commit(group: OpenGroup): void {
    if (this.open !== group) return;
    this.open = undefined;
    try {
      // SQLite may have rolled the transaction back itself (a full disk); nothing to commit then.
      if (this.db.inTransaction) this.db.exec('COMMIT');
    } catch (error) {
      // A COMMIT that failed leaves the transaction open: end it, or every later
      // call would join it and never be committed. The advance fails with the error.
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    } finally {
      group.end();
    }
  }
}

/** Checkpoints (virtual-clock steps) per commit: about 30 ms of a busy campaign's work on 2 vCPUs. */
export const DEFAULT_CHECKPOINTS_PER_COMMIT = 64;

class OpenGroup {
  checkpoints = 0;
  ended!: Promise<void>;
  private resolveEnded!: () => void;

  reset(): void {
    this.checkpoints = 0;
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  end(): void {
    this.resolveEnded();
  }
}

/**
 * The store as every caller but a group's owner sees it: each async method waits
 * until no group is open. Sync methods and plain properties (the `db` handle) pass
 * through; `nested` names the sub-stores (files, dialog) that get the same gate.
 */
export function waitingOutsideGroups<T extends object>(target: T, groups: WriteGroups, nested: ReadonlyArray<keyof T> = []): T {
  const wrapped = new Map<PropertyKey, unknown>();
  for (const key of nested) wrapped.set(key, waitingOutsideGroups(target[key] as object, groups));
  return new Proxy(target, {
    get(object, key) {
      if (wrapped.has(key)) return wrapped.get(key);
      const value = Reflect.get(object, key, object);
      if (typeof value !== 'function' || value.constructor.name !== 'AsyncFunction') return value;
      const gated = async (...args: unknown[]) => {
        if (groups.mustWait()) await groups.closed();
        return value.apply(object, args);
      };
      wrapped.set(key, gated);
      return gated;
    },
  });
}
