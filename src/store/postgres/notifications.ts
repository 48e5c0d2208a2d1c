import pg from 'pg';
import type { PostgresDatabase } from './postgres-database.ts';
import type { PostgresLocation } from './database-url.ts';
import { wakeups } from './queries.ts';

/** Tells every listening node, when the transaction on `client` commits, that the group has new due work. */
export async function notifyWork(db: PostgresDatabase, client: pg.ClientBase, jobGroupId: string): Promise<void> {
  await db.run(wakeups.notify, { channel: wakeups.channel(db.location.schema), jobGroupId }, client);
}

/**
 * Calls `listener` with the payload of every notification on `channel`. The
 * listening connection is a client of its own, reconnected after a failure (a
 * notification missed meanwhile costs only latency: every listener here also
 * polls, more slowly). Resolves once listening; the returned function stops it.
 */
export async function listen(location: PostgresLocation, channel: string, listenSql: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: location.connectionString, application_name: 'outboundbot-listen' });
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload) listener(message.payload);
    });
    next.on('error', () => {
      if (client === next) client = undefined;
      next.end().catch(() => undefined);
      if (!stopped) setTimeout(() => void connect().catch(() => undefined), 1_000).unref();
    });
    await next.connect();
    await next.query(listenSql);
    if (stopped) {
      await next.end();
      return;
    }
    client = next;
  };
  await connect();
  return async () => {
    stopped = true;
    const current = client;
    client = undefined;
    await current?.end();
  };
}

/**
 * Calls `listener` with a group's id whenever any node (this one included) commits
 * new due work for it: jobs added, or jobs resumed to Scheduling. A dispatcher can
 * sleep until its next known due time or such a wake-up, instead of polling.
 */
export function onWork(location: PostgresLocation, listener: (jobGroupId: string) => void): Promise<() => Promise<void>> {
  return listen(location, wakeups.channel(location.schema), wakeups.listen(location.schema), listener);
}
