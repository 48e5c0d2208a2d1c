import type { Logger } from 'pino';
import type { IdGenerator } from '../domain/ids.ts';
import { OPEN_ALL_HOURS, underInstanceHours, type InstanceCallingHours } from '../domain/instance-policy.ts';
import { mayCallNow, nextAttemptTime } from '../domain/retry-policy.ts';
import type { WorkdayCalendar } from '../domain/workday-calendar.ts';
import { localDay, nextCallableTime } from '../domain/schedule.ts';
import { calledNumberKey, type DueJob, type JobGroupRow, type TaskRow } from '../store/rows.ts';
import type { AttemptClaim, AttemptSettlement, DispatchGroup, DispatchRound, Reschedule, Store } from '../store/store.ts';
import type { Carrier, CallReport } from '../telephony/carrier.ts';
import type { NumberDirectory } from '../telephony/number-directory.ts';
import { chooseCallingNumber } from '../domain/caller-routing.ts';
import { callDialogFor } from '../dialog/call-dialog.ts';
import { allocateLines } from './allocation.ts';
import { attemptClaim, attemptSettlement, MIN_LEASE_MS, nextContact, TALK_LIMIT_MS, type GovernedGroup } from './attempts.ts';
import type { Clock } from './clock.ts';

/** Expired attempts settled per recovery round. */
const RECOVERY_BATCH = 500;
/**
 * Due jobs moved on per group and round while the group's window is closed (to the
 * next callable moment, or failed when the strategy is over). Bounded so a
 * decision's cost never grows with the backlog; a round that moved jobs is followed
 * by another at once.
 */
export const RESCHEDULE_BATCH = 500;

/** A call the carrier reported ended, waiting to be settled. */
export interface EndedCall {
  task: TaskRow;
  job: DueJob;
  report: CallReport;
}

/** What one instance's share of a round decided: calls to claim and due jobs to move. */
interface InstancePlan {
  claims: AttemptClaim[];
  reschedules: Reschedule[];
  /** The job and group of each claim, by job id, for dialling. */
  jobs: Map<string, { job: DueJob; group: GovernedGroup }>;
}

/** What one round did; anything but zero means another round may find more to do now. */
export interface RoundResult {
  recovered: number;
  rescheduled: number;
  started: number;
}

export interface EngineDeps {
  store: Store;
  clock: Clock;
  carrier: Carrier;
  ids: IdGenerator;
  /** IANA zone strategies are evaluated in (OUTBOUNDBOT_TIMEZONE). */
  zone: string;
  logger: Logger;
  /** Where calling numbers are, for LocalFirst / LocalProvinceFirst routing. */
  numbers: NumberDirectory;
  /** Which local days are working days, for the instances whose calling hours say OnlyWorkdays. */
  calendar: WorkdayCalendar;
}

/** A round's view of a dispatchable group: the group under its instance's calling hours. */
type GovernedDispatchGroup = Omit<DispatchGroup, 'group'> & { group: GovernedGroup };

/**
 * The campaign engine: each round it settles calls whose lease expired (their
 * process died), then fills free lines with due jobs. A call starts only after its
 * claim (job Executing, task recorded with a lease, counters moved) has committed,
 * and ends in one settlement transaction that moves the job and its counters.
 */
export class Engine {
  /** Calls that have ended and wait to be settled by the next flush. */
  private ended: EndedCall[] = [];
  /** Told when a call has ended, so a realtime driver can settle it and refill the line at once. */
  onCallEnded: () => void = () => {};
  /** No lease expires before this moment, so recovery need not look until then. */
  private recoveryDueAt = -Infinity;

  constructor(private readonly deps: EngineDeps) {}

  /**
   * One round: calls whose lease expired are settled, then the calls that ended
   * since the last round are settled in the same transaction that starts the next
   * ones (one commit a round, the lines they free already counted as free).
   */
  async round(): Promise<RoundResult> {
    const now = this.deps.clock.now();
    const ended = this.takeEnded();
    // A call that did end is settled with its real outcome, never as interrupted.
    const recovered = await this.recover(now, new Set(ended.map(({ task }) => task.id)));
    const { started, rescheduled } = await this.dispatch(now, ended);
    return { recovered, started, rescheduled };
  }

  /** Settles every call that has ended since the last flush, in one transaction. */
  async flush(): Promise<number> {
    const ended = this.takeEnded();
    if (ended.length === 0) return 0;
    await this.deps.store.settleAttempts(await this.settlementsOf(ended, this.deps.clock.now()));
    return ended.length;
  }

  private takeEnded(): EndedCall[] {
    const ended = this.ended;
    this.ended = [];
    return ended;
  }

  /** Settles attempts whose lease has expired: counted once, the job rescheduled by its strategy. */
  async recover(now: number, endedTaskIds: ReadonlySet<string> = new Set()): Promise<number> {
    if (now < this.recoveryDueAt) return 0;
    const { store } = this.deps;
    const expired = (await store.expiredAttempts(now, RECOVERY_BATCH)).filter(({ task }) => !endedTaskIds.has(task.id));
    // No lease can expire before the earliest one recorded now, nor before a lease
    // taken from now on could (any node's): until then there is nothing to look for.
    if (expired.length < RECOVERY_BATCH) this.recoveryDueAt = Math.min((await store.nextLeaseExpiry(now)) ?? Infinity, now + MIN_LEASE_MS);
    for (const { task, job } of expired) this.deps.logger.warn({ taskId: task.id, jobId: job.id }, 'settling a call whose lease expired');
    const interrupted = expired.map(({ task, job }): EndedCall => ({
      task,
      job,
      report: { result: 'Interrupted', endedAt: now, ringingMs: 0, talkMs: 0, sipCode: '500', hangupDirection: '', turns: [] },
    }));
    await store.settleAttempts(await this.settlementsOf(interrupted, now));
    return expired.length;
  }

  /**
   * One dispatch decision: calls started and due jobs moved to a later moment.
   * The settlements of `ended` calls commit in the same transaction as the claims,
   * and the lines they free count as free already; the store still refuses a claim
   * that would take an instance over its ceiling.
   */
  async dispatch(now: number, ended: EndedCall[] = []): Promise<{ started: number; rescheduled: number }> {
    const { store } = this.deps;
    // Each group's windows and days are its strategy's under its instance's calling
    // hours, which came with the same read: no query per job or per group.
    const governedGroups = (await store.dispatchableGroups()).map((entry) => ({ ...entry, group: this.governed(entry.group, entry.instanceHours) }));
    // Running groups were just read: settling their calls needs no second read.
    const settlements = await this.settlementsOf(ended, now, new Map(governedGroups.map(({ group }) => [group.id, group])));
    const freedInGroup = new Map<string, number>();
    const freedInInstance = new Map<string, number>();
    for (const { task } of settlements) {
      freedInGroup.set(task.jobGroupId, (freedInGroup.get(task.jobGroupId) ?? 0) + 1);
      freedInInstance.set(task.instanceId, (freedInInstance.get(task.instanceId) ?? 0) + 1);
    }
    const byInstance = new Map<string, GovernedDispatchGroup[]>();
    for (const entry of governedGroups) {
      const list = byInstance.get(entry.group.instanceId) ?? [];
      list.push({
        ...entry,
        inFlight: Math.max(0, entry.inFlight - (freedInGroup.get(entry.group.id) ?? 0)),
        instanceInFlight: Math.max(0, entry.instanceInFlight - (freedInInstance.get(entry.group.instanceId) ?? 0)),
      });
      byInstance.set(entry.group.instanceId, list);
    }
    if (byInstance.size === 0 && settlements.length === 0) return { started: 0, rescheduled: 0 };
    // Due work is read and claimed in one store round: on a shared database the jobs
    // it reads are held from other nodes' rounds until it commits. Calls are dialled
    // only after, once their claims are durable.
    const { claimed, round } = await store.dispatchRound(async (session) => {
      const round: InstancePlan = { claims: [], reschedules: [], jobs: new Map() };
      for (const instanceGroups of byInstance.values()) {
        const plan = await this.planInstance(session, instanceGroups, now);
        round.claims.push(...plan.claims);
        round.reschedules.push(...plan.reschedules);
        for (const [id, entry] of plan.jobs) round.jobs.set(id, entry);
      }
      if (settlements.length === 0 && round.reschedules.length === 0 && round.claims.length === 0) return { claimed: [], round };
      return { claimed: await session.commit({ settlements, reschedules: round.reschedules, claims: round.claims, now }), round };
    });
    await this.dialAll(claimed, round, now);
    return { started: claimed.length, rescheduled: round.reschedules.length };
  }

  /**
   * The zone a job's strategy is evaluated in: the instance's, or with the
   * `timeZoneBy: Callee` extension the zone of the contact the next attempt calls
   * (the instance's when the number's zone is unknown).
   */
  async zoneOf(job: Pick<DueJob, 'contacts' | 'attempts'>, group: JobGroupRow): Promise<string> {
    if (group.strategy.timeZoneBy !== 'Callee') return this.deps.zone;
    const contact = nextContact(job);
    if (!contact) return this.deps.zone;
    return (await this.deps.numbers.describe(contact.phoneNumber))?.timeZone || this.deps.zone;
  }

  /** Which due jobs of one instance's groups to call now, within its free lines, and which to move on. */
  private async planInstance(session: DispatchRound, groups: GovernedDispatchGroup[], now: number): Promise<InstancePlan> {
    const free = Math.max(0, groups[0]!.instanceMaxConcurrency - groups[0]!.instanceInFlight);
    const callable = new Map<string, DueJob[]>();
    const reschedules: Reschedule[] = [];
    for (const { group } of groups) {
      const { ready, moved } = await this.examineDue(session, group, now, free);
      callable.set(group.id, ready);
      reschedules.push(...moved);
    }
    const plan: InstancePlan = { claims: [], reschedules, jobs: new Map() };
    if (free === 0) return plan;

    const grants = allocateLines(
      free,
      groups.map(({ group, inFlight }) => ({
        id: group.id,
        priority: group.priority,
        minConcurrency: group.minConcurrency,
        inFlight,
        due: callable.get(group.id)!.length,
      })),
    );
    for (const { group } of groups) {
      for (const job of callable.get(group.id)!.slice(0, grants.get(group.id) ?? 0)) {
        const claim = await this.claimFor(job, group, now);
        if (claim) {
          plan.claims.push(claim);
          plan.jobs.set(job.id, { job, group });
        } else {
          reschedules.push({ jobId: job.id, jobGroupId: group.id, failureReason: 'CallingNumberNotExist' });
        }
      }
    }
    await this.dropBlocked(plan, groups[0]!.group.instanceId);
    return plan;
  }

  /**
   * A number on the instance's contact block list is never dialled: the job ends
   * Failed with FailureReason ContactBlockList instead (one lookup per round). The
   * list is matched by the canonical number the contact carries (its e164, set when
   * the job was assigned), so no number is parsed here; only a job stored before
   * contacts carried it has its number parsed (once per 7-digit block for Chinese
   * mobiles, src/domain/phone-number.ts), until such jobs are done.
   */
  private async dropBlocked(plan: InstancePlan, instanceId: string): Promise<void> {
    if (plan.claims.length === 0) return;
    const keys = plan.claims.map(({ task }) => calledNumberKey(task));
    const blocked = await this.deps.store.dialog.blockedNumbers(instanceId, keys);
    if (blocked.size === 0) return;
    plan.claims = plan.claims.filter(({ task }, i) => {
      if (!blocked.has(keys[i]!)) return true;
      plan.reschedules.push({ jobId: task.jobId, jobGroupId: task.jobGroupId, failureReason: 'ContactBlockList' });
      plan.jobs.delete(task.jobId);
      return false;
    });
  }

  /** Dials the claimed calls; each reports back once, to be settled by a later round. */
  private async dialAll(claimed: TaskRow[], round: InstancePlan, now: number): Promise<void> {
    const { store } = this.deps;
    const claimsByTask = new Map(round.claims.map((claim) => [claim.task.id, claim]));
    for (const task of claimed) {
      const { job, group } = round.jobs.get(task.jobId)!;
      const { attempts, attemptDay, dayAttempts } = claimsByTask.get(task.id)!;
      const claimedJob: DueJob = { ...job, attempts, attemptDay, dayAttempts };
      await this.deps.carrier.dial(
        {
          callId: task.id,
          jobId: job.id,
          attempt: task.attempt,
          callingNumber: task.callingNumber,
          calledNumber: task.calledNumber,
          contact: task.contact,
          extras: job.extras,
          ringingTimeoutMs: group.ringingDuration * 1000,
          talkLimitMs: TALK_LIMIT_MS,
          startedAt: now,
          dialog: await callDialogFor(store, job, group),
        },
        (report) => {
          this.ended.push({ task, job: claimedJob, report });
          this.onCallEnded();
        },
      );
    }
  }

  private async claimFor(job: DueJob, group: GovernedGroup, now: number): Promise<AttemptClaim | undefined> {
    // Retries use the recall numbers when the group has them.
    const pool = job.attempts > 0 && group.recallCallingNumbers.length > 0 ? group.recallCallingNumbers : job.callingNumbers.length > 0 ? job.callingNumbers : group.callingNumbers;
    const contact = nextContact(job);
    if (pool.length === 0 || !contact) return undefined;
    const callingNumber = await this.callingNumberFor(pool, contact.phoneNumber, group, job.attempts);
    const day = localDay(await this.zoneOf(job, group), now);
    return attemptClaim({ job, group, taskId: this.deps.ids.next(), callingNumber, day, now });
  }

  /**
   * The group's due jobs that may be called now (at most `free`), and the moves of
   * those that may not. Evaluated in the instance's zone, the window is one check
   * per group: while it is closed (or the strategy is over) due jobs are moved on,
   * or failed, a bounded batch per round; while it is open only the `free` earliest
   * are read and each is checked against its day's attempts. With callee zones each
   * job is checked on its own. The group's strategy is already under the instance's
   * calling hours (governed), so every window and day checked here is both's.
   */
  private async examineDue(session: DispatchRound, group: GovernedGroup, now: number, free: number): Promise<{ ready: DueJob[]; moved: Reschedule[] }> {
    const strategy = group.strategy;
    const moveOn = (job: DueJob, zone: string): Reschedule => {
      // nextAttemptTime adds the interval, which a due job has already waited.
      const next = nextAttemptTime({ job, strategy, zone, now: now - strategy.minAttemptInterval * 60_000 });
      return next === undefined
        ? { jobId: job.id, jobGroupId: group.id, failureReason: 'TimeUp' }
        : { jobId: job.id, jobGroupId: group.id, nextAttemptAt: Math.max(next, now + 1) };
    };
    if (strategy.timeZoneBy !== 'Callee') {
      const zone = this.deps.zone;
      if (nextCallableTime(strategy, zone, now) !== now) {
        const due = await session.dueJobs(group.id, now, RESCHEDULE_BATCH);
        return { ready: [], moved: due.map((job) => moveOn(job, zone)) };
      }
      if (free === 0) return { ready: [], moved: [] };
      const today = localDay(zone, now);
      const ready: DueJob[] = [];
      const moved: Reschedule[] = [];
      for (const job of await session.dueJobs(group.id, now, free)) {
        if (job.attemptDay === today && job.dayAttempts >= strategy.maxAttemptsPerDay) moved.push(moveOn(job, zone));
        else ready.push(job);
      }
      return { ready, moved };
    }
    if (free === 0) return { ready: [], moved: [] };
    const ready: DueJob[] = [];
    const moved: Reschedule[] = [];
    for (const job of await session.dueJobs(group.id, now, free)) {
      const zone = await this.zoneOf(job, group);
      if (mayCallNow(job, strategy, zone, now)) ready.push(job);
      else moved.push(moveOn(job, zone));
    }
    return { ready, moved };
  }

  /** Picks the calling number; phone-number metadata is consulted only when the routing strategy needs it. */
  private async callingNumberFor(pool: readonly string[], callee: string, group: JobGroupRow, attemptIndex: number): Promise<string> {
    const routing = group.strategy.routingStrategy;
    if (routing === 'None' || pool.length === 1) return pool[attemptIndex % pool.length]!;
    const { numbers } = this.deps;
    const place = async (number: string) => {
      const region = await numbers.describe(number);
      return { number, city: region?.city ?? '', province: region?.province ?? '' };
    };
    const located = await Promise.all(pool.map(place));
    return chooseCallingNumber(located, await place(callee), routing, attemptIndex)!;
  }

  /**
   * The settlements of ended calls: for each, the task, the job's next state and
   * every counter they move, to commit in one transaction. The job's next attempt
   * is reckoned from the moment the call ended, not from when the settlement runs.
   */
  private async settlementsOf(ended: EndedCall[], now: number, known: ReadonlyMap<string, GovernedGroup> = new Map()): Promise<AttemptSettlement[]> {
    const groups = new Map<string, GovernedGroup | undefined>(known);
    const hours = new Map<string, InstanceCallingHours>();
    const settlements: AttemptSettlement[] = [];
    for (const { task, job, report } of ended) {
      if (!groups.has(task.jobGroupId)) groups.set(task.jobGroupId, await this.readGoverned(task.instanceId, task.jobGroupId, hours));
      const group = groups.get(task.jobGroupId);
      if (!group) continue; // deleted meanwhile: its jobs and tasks went with it
      settlements.push(await this.settlementOf(task, job, report, group, now));
    }
    return settlements;
  }

  /**
   * A group no round has read (recovery, a flush, a paused group), under its
   * instance's calling hours: a read per group, and one per instance for the hours.
   */
  private async readGoverned(instanceId: string, jobGroupId: string, hours: Map<string, InstanceCallingHours>): Promise<GovernedGroup | undefined> {
    const { store } = this.deps;
    const group = await store.findJobGroup(instanceId, jobGroupId);
    if (!group) return undefined;
    if (!hours.has(instanceId)) hours.set(instanceId, (await store.findCallingHours(instanceId)) ?? OPEN_ALL_HOURS);
    return this.governed(group, hours.get(instanceId)!);
  }

  /** The group with its strategy under the instance's calling hours (instance-policy.ts). */
  private governed(group: JobGroupRow, hours: InstanceCallingHours): GovernedGroup {
    return { ...group, strategy: underInstanceHours(group.strategy, hours, this.deps.calendar) };
  }

  private async settlementOf(task: TaskRow, job: DueJob, report: CallReport, group: GovernedGroup, now: number): Promise<AttemptSettlement> {
    // The zone of the contact just called (attempts already counts this attempt).
    const zone = await this.zoneOf({ ...job, attempts: job.attempts - 1 }, group);
    return attemptSettlement(task, job, report, group, zone, now);
  }
}
