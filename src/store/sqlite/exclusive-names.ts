import type { SqliteBase } from './sqlite-database.ts';

/**
 * Store.exclusively, tryExclusively and groupWrites on a database one process
 * owns: serialising within the process is enough.
 */
export function withExclusiveNames<B extends SqliteBase>(Base: B) {
  return class SqliteExclusiveNames extends Base {
    /** The work queued under each name of `exclusively`. */
    readonly exclusiveChains = new Map<string, Promise<unknown>>();
    /** The names tryExclusively holds now. */
    readonly heldNames = new Set<string>();

    async tryExclusively(name: string, body: () => Promise<void>): Promise<boolean> {
      if (this.heldNames.has(name)) return false;
      this.heldNames.add(name);
      try {
        await body();
        return true;
      } finally {
        this.heldNames.delete(name);
      }
    }

    async exclusively<T>(name: string, body: () => Promise<T>): Promise<T> {
      const previous = this.exclusiveChains.get(name) ?? Promise.resolve();
      const run = previous.then(body);
      this.exclusiveChains.set(name, run.catch(() => undefined));
      return run;
    }

    async groupWrites<T>(body: (checkpoint: () => Promise<void>) => Promise<T>): Promise<T> {
      return this.writeGroups.run(body);
    }
  };
}
