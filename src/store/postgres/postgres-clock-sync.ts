import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { ClockSync } from '../../engine/clock-sync.ts';
import { VIRTUAL_NOW_SETTING } from '../../engine/clock-sync.ts';
import { clusterClock as q } from './cluster-queries.ts';
import type { PostgresDatabase } from './postgres-database.ts';
import { listen } from './notifications.ts';

/** How often a node says it is alive, and catches up with a move whose notification it missed. */
export const HEARTBEAT_MS = 250;
/** A peer not seen for this long (by the database's clock) is taken for dead and not waited for. */
export const LIVENESS_MS = 3_000;
/** The longest an advancing node waits for a live peer to process one moment before the advance fails. */
export const ACK_TIMEOUT_MS = 60_000;
/** The longest an advancing node sleeps between looks at its peers when no acknowledgement wakes it. */
const ACK_POLL_MS = 50;

type Follow = (now: number) => Promise<number | undefined>;

/**
 * The virtual clock shared by the nodes of one PostgreSQL schema (see ClockSync).
 * The time is the settings row 'virtual_clock_now'; each node has a row in
 * cluster_nodes; moves and acknowledgements travel by LISTEN/NOTIFY on one
 * channel, with the heartbeat as a fallback for a notification lost to a
 * reconnect. An advance holds a session-scoped advisory lock on a connection of
 * its own, so a node killed mid-advance frees it with its connection.
 */
export class PostgresClockSync implements ClockSync {
  readonly nodeId = randomUUID();
  private follow: Follow = async () => undefined;
  /** The latest moment this node has processed or published: a move up to it needs nothing. */
  private reached = -Infinity;
  /** Moves made by other nodes, processed one at a time in order. */
  private following: Promise<void> = Promise.resolve();
  private heartbeat: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly ackWaiters = new Set<() => void>();
  private left = false;

  constructor(
    private readonly store: PostgresDatabase,
    private readonly logger: Logger,
    private readonly ackTimeoutMs = ACK_TIMEOUT_MS,
  ) {}

  async join(start: number, follow: Follow): Promise<number> {
    this.follow = follow;
    const channel = q.channel(this.store.location.schema);
    // Listen before reading the time: a move published after the read is then heard.
    this.unlisten = await listen(this.store.location, channel, q.listen(this.store.location.schema), (payload) => this.heard(payload));
    const now = await this.store.transaction(async (client) => {
      const row = await this.store.one(q.takeUp, { key: VIRTUAL_NOW_SETTING, start }, client);
      await this.store.run(q.forgetDead, {}, client);
      await this.store.run(q.join, { id: this.nodeId, now: Number(row!.now) }, client);
      return Number(row!.now);
    });
    this.reached = now;
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
    return now;
  }

  async exclusive<T>(advance: (sharedNow: number) => Promise<T>): Promise<T> {
    const client = await this.store.pool.connect();
    // Held for the whole advance: a lost connection ends the advance with an error, never the process.
    const ignore = () => undefined;
    client.on('error', ignore);
    let locked = false;
    try {
      await this.store.run(q.lock, { schema: this.store.location.schema }, client);
      locked = true;
      // Moves made by the previous advancer are processed here before this one starts.
      await this.following;
      const row = await this.store.one(q.shared, { key: VIRTUAL_NOW_SETTING }, client);
      const sharedNow = row ? Number(row.now) : -Infinity;
      this.reached = Math.max(this.reached, sharedNow);
      return await advance(sharedNow);
    } finally {
      if (locked) await this.store.run(q.unlock, { schema: this.store.location.schema }, client).catch(() => undefined);
      client.off('error', ignore);
      client.release();
    }
  }

  async publish(now: number): Promise<void> {
    this.reached = Math.max(this.reached, now);
    await this.store.transaction(async (client) => {
      await this.store.run(q.moveShared, { key: VIRTUAL_NOW_SETTING, now }, client);
      await this.store.run(q.ack, { id: this.nodeId, now, nextTimer: null }, client);
      await this.store.run(q.notify, { channel: q.channel(this.store.location.schema), payload: `move ${this.nodeId} ${now}` }, client);
    });
  }

  async settled(now: number): Promise<number> {
    // A peer that is alive (it heartbeats) but cannot process the moment (say its
    // database connections keep failing) must not hang the advance for ever.
    const deadline = performance.now() + this.ackTimeoutMs;
    for (;;) {
      const woken = new Promise<void>((resolve) => {
        const wake = () => {
          this.ackWaiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, ACK_POLL_MS);
        this.ackWaiters.add(wake);
      });
      const peers = await this.store.rows(q.peers, { id: this.nodeId, livenessMs: LIVENESS_MS });
      if (peers.every((peer) => Number(peer.virtualNow) >= now)) {
        for (const wake of [...this.ackWaiters]) wake();
        return Math.min(Infinity, ...peers.map((peer) => (peer.nextTimer == null ? Infinity : Number(peer.nextTimer))));
      }
      if (performance.now() > deadline) {
        for (const wake of [...this.ackWaiters]) wake();
        throw new Error(`a live node has not processed virtual time ${now} within ${this.ackTimeoutMs / 1000} s`);
      }
      await woken;
    }
  }

  async leave(): Promise<void> {
    this.left = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.unlisten?.();
    await this.following;
    await this.store.run(q.leave, { id: this.nodeId }).catch(() => undefined);
  }

  private heard(payload: string): void {
    const [kind, nodeId, at] = payload.split(' ');
    if (kind === 'ack') {
      for (const wake of [...this.ackWaiters]) wake();
    } else if (kind === 'move' && nodeId !== this.nodeId) {
      this.catchUp(Number(at));
    }
  }

  /** Processes a move to `now` made by another node, after the moves before it. */
  private catchUp(now: number): void {
    if (!(now > this.reached) || this.left) return;
    this.reached = now;
    this.following = this.following.then(async () => {
      try {
        const nextTimer = await this.follow(now);
        await this.store.transaction(async (client) => {
          await this.store.run(q.ack, { id: this.nodeId, now, nextTimer: nextTimer ?? null }, client);
          await this.store.run(q.notify, { channel: q.channel(this.store.location.schema), payload: `ack ${this.nodeId}` }, client);
        });
      } catch (error) {
        // Not acknowledged: the advancing node waits, and the heartbeat tries again.
        this.logger.error({ err: error, now }, 'following the shared virtual clock failed');
        this.reached = Math.min(this.reached, now - 1);
      }
    });
  }

  private async beat(): Promise<void> {
    try {
      const row = await this.store.one(q.heartbeat, { id: this.nodeId, key: VIRTUAL_NOW_SETTING });
      if (!row) {
        // Forgotten as dead (a long pause): join again at the time this node has reached.
        await this.store.run(q.join, { id: this.nodeId, now: this.reached });
        return;
      }
      if (row.now != null) this.catchUp(Number(row.now));
    } catch (error) {
      this.logger.warn({ err: error }, 'cluster heartbeat failed');
    }
  }
}
