import type { PostgresBase } from './postgres-database.ts';
import { settings as q } from './queries.ts';

/**
 * Store.exclusively and tryExclusively across the nodes of a schema: session-level
 * advisory locks named by schema and name, held on a pooled connection for as long
 * as the body runs, so a node that dies releases its names with its connection.
 */
export function withAdvisoryLocks<B extends PostgresBase>(Base: B) {
  return class PostgresAdvisoryLocks extends Base {
    /** The names tryExclusively holds now in this process. */
    readonly heldNames = new Set<string>();

    async tryExclusively(name: string, body: () => Promise<void>): Promise<boolean> {
      // Session-level locks are re-entrant within a session, so the same process is
      // kept out by a set of its own names, other processes by the lock.
      if (this.heldNames.has(name)) return false;
      this.heldNames.add(name);
      const client = await this.pool.connect();
      // The connection is held for as long as the body runs: losing it (a database
      // restart) loses the lock, which must not crash the process.
      const ignore = () => undefined;
      client.on('error', ignore);
      const params = { schema: this.location.schema, name };
      try {
        if (!(await this.one(q.tryLock, params, client))?.locked) return false;
        try {
          await body();
          return true;
        } finally {
          await this.run(q.unlock, params, client).catch(() => undefined);
        }
      } finally {
        client.off('error', ignore);
        client.release();
        this.heldNames.delete(name);
      }
    }

    async exclusively<T>(name: string, body: () => Promise<T>): Promise<T> {
      const client = await this.pool.connect();
      const params = { schema: this.location.schema, name };
      try {
        await this.run(q.lock, params, client);
        try {
          return await body();
        } finally {
          await this.run(q.unlock, params, client).catch(() => undefined);
        }
      } finally {
        client.release();
      }
    }
  };
}
