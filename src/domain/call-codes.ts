import type { JobStatus } from './job.ts';
import type { TaskEndReason, TaskStatus } from './call.ts';

/**
 * The numeric codes and display texts the reference gives calls and jobs
 * (reference/outboundbot-2019-12-26/SearchTask.json: TaskStatus, JobStatus,
 * TaskEndReason), and the yes/no facts of a call read from what a task stores.
 * One table each, so SearchTask's filters and its replies agree.
 */

/** Every call status SearchTask's TaskStatusStringList names, with its code and display text. */
export const TASK_STATUS_CODES = {
  Executing: [0, '正在拨打'],
  Succeeded: [1, '已接通'],
  NoAnswer: [2, '无人接听'],
  NotExist: [3, '空号'],
  Busy: [4, '占线'],
  Cancelled: [5, '任务停止取消'],
  Failed: [6, '呼叫失败'],
  NotConnected: [7, '无法接通'],
  PoweredOff: [8, '关机'],
  OutOfService: [9, '停机'],
  InArrears: [10, '欠费'],
  EmptyNumber: [11, '空号未呼'],
  PerDayCallCountLimit: [12, '超出每日呼叫次数'],
  ContactBlockList: [13, '黑名单'],
  CallerNotRegistered: [14, '主叫号码未登记'],
  Terminated: [15, '呼叫终止'],
  VerificationCancelled: [16, '外呼前校验取消'],
  OutOfServiceNoCall: [17, '停机未呼'],
  InArrearsNoCall: [18, '欠费未呼'],
  CallingNumberNotExist: [19, '主叫号码不存在'],
  SucceededFinish: [20, '已接通-正常结束'],
  SucceededChatbotHangUpAfterNoAnswer: [21, '已接通-拒识后机器人挂机'],
  SucceededChatbotHangUpAfterSilence: [22, '已接通-静默超时机器人挂机'],
  SucceededClientHangUpAfterNoAnswer: [23, '已接通-拒识后客户挂机'],
  SucceededClientHangUp: [24, '已接通-客户挂机'],
  SucceededTransferByIntent: [25, '已接通-意图转人工'],
  // Not in the reference's list (cut at 25): an answered call the bot ended at its
  // talk-time limit shows as the generic "connected".
  SucceededChatbotHangUpAfterTimeout: [1, '已接通-通话超时机器人挂机'],
} as const satisfies Record<string, readonly [number, string]>;

export type TaskStatusName = keyof typeof TASK_STATUS_CODES;
export const TASK_STATUS_NAMES = Object.keys(TASK_STATUS_CODES) as TaskStatusName[];

/** The stored statuses a status filter names: `Succeeded` ("connected") is every answered status. */
export function storedStatuses(names: readonly TaskStatusName[]): string[] {
  return [...new Set(names.flatMap((name) => (name === 'Succeeded' ? TASK_STATUS_NAMES.filter((s) => s.startsWith('Succeeded')) : [name])))];
}

export const JOB_STATUS_CODES: Record<JobStatus, readonly [number, string]> = {
  Scheduling: [0, '调度中'],
  Executing: [1, '执行中'],
  Succeeded: [2, '已完成'],
  Paused: [3, '暂停'],
  Failed: [4, '失败'],
  Cancelled: [5, '已取消'],
};

/**
 * The reference's numeric end reasons (FINISHED 1 ... ERROR 9). NO_INTERACTION is the
 * bot hanging up after the callee's silence (SucceededChatbotHangUpAfterSilence): 3.
 * TIMEOUT_HANGUP has no code of its own, and an unanswered call no end reason: 0.
 */
const END_REASON_CODES: Record<TaskEndReason, number> = {
  FINISHED: 1,
  CHATBOT_HANGUP_AFTER_NOANSWER: 2,
  NO_INTERACTION: 3,
  CLIENT_HANGUP: 5,
  TIMEOUT_HANGUP: 0,
};

export function endReasonCode(reason: TaskEndReason | ''): number {
  return reason ? END_REASON_CODES[reason] : 0;
}

/** The task status code and text of a stored status. */
export function taskStatusCode(status: TaskStatus): readonly [number, string] {
  return TASK_STATUS_CODES[status];
}

/** A talk time as the reference displays it: `47″`, or `2′05″` from a minute on. */
export function durationDisplay(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}″`;
  return `${Math.floor(seconds / 60)}′${String(seconds % 60).padStart(2, '0')}″`;
}
