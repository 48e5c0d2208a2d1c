/**
 * The SQL of the virtual clock shared by several nodes (postgres-clock-sync.ts), in
 * the manner of queries.ts. Times a node's liveness is judged by come from the
 * database's clock (`clock_timestamp()`), never from a node's own.
 */
import { createHash } from 'node:crypto';
import { ident } from './queries.ts';

/** The database's wall clock in epoch milliseconds. */
const DB_NOW = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

export const clusterClock = {
  // A channel name is at most 63 bytes: a long schema name is replaced by its digest.
  channel: (schema: string) => `outboundbot_clock.${schema.length <= 45 ? schema : createHash('sha1').update(schema).digest('hex')}`,
  listen: (schema: string) => `LISTEN ${ident(clusterClock.channel(schema))}`,
  notify: `SELECT pg_notify(@channel, @payload)`,
  /** One advance at a time across the nodes of a schema; session-scoped, so a dead node's lock goes with its connection. */
  lock: `SELECT pg_advisory_lock(hashtext('outboundbot.clock:' || @schema::text))`,
  unlock: `SELECT pg_advisory_unlock(hashtext('outboundbot.clock:' || @schema::text))`,
  /** The shared time, moved forward to @start if that is later (a first node, or a later OUTBOUNDBOT_CLOCK_START). */
  takeUp: `INSERT INTO settings (key, value) VALUES (@key, @start::bigint::text)
    ON CONFLICT (key) DO UPDATE SET value = greatest(settings.value::bigint, excluded.value::bigint)::text
    RETURNING value::bigint AS now`,
  shared: `SELECT value::bigint AS now FROM settings WHERE key = @key`,
  moveShared: `UPDATE settings SET value = greatest(value::bigint, @now::bigint)::text WHERE key = @key`,
  join: `INSERT INTO cluster_nodes (id, seen_at, virtual_now, next_timer) VALUES (@id, ${DB_NOW}, @now, NULL)
    ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at, virtual_now = greatest(cluster_nodes.virtual_now, excluded.virtual_now)`,
  /** Rows of nodes not seen for an hour: long dead (a killed node never deletes its own). */
  forgetDead: `DELETE FROM cluster_nodes WHERE seen_at < ${DB_NOW} - 3600000`,
  leave: `DELETE FROM cluster_nodes WHERE id = @id`,
  /** A heartbeat, which also tells the shared time (a move whose notification was missed is caught up). */
  heartbeat: `UPDATE cluster_nodes SET seen_at = ${DB_NOW} WHERE id = @id
    RETURNING (SELECT value::bigint FROM settings WHERE key = @key) AS now`,
  ack: `UPDATE cluster_nodes SET seen_at = ${DB_NOW}, virtual_now = greatest(virtual_now, @now), next_timer = @nextTimer WHERE id = @id`,
  /** The live peers of a node: seen within @livenessMs by the database's clock. */
  peers: `SELECT virtual_now AS "virtualNow", next_timer AS "nextTimer" FROM cluster_nodes
    WHERE id <> @id AND seen_at >= ${DB_NOW} - @livenessMs`,
};
