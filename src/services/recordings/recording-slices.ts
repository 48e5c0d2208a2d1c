import type { TaskRow } from '../../store/rows.ts';

/**
 * NeedVoiceSliceRecording's per-turn slices of an answered call, from the times its
 * conversation turns carry (engine clock). The recording starts at the answer, which is
 * the call's end less its talk time. Slice n runs from turn n's moment (a prompt's start,
 * a key's arrival) to the next turn's, the first from the answer and the last to the
 * recording's end, so the slices together are the whole call; turns at the same moment
 * give no slice of their own.
 */
export interface RecordingSlice {
  /** 1-based, as in `<task id>-<n>.wav`. */
  index: number;
  fromMs: number;
  /** Infinity for the last slice: to the recording's end. */
  toMs: number;
}

export function recordingSlices(task: TaskRow): RecordingSlice[] {
  const answeredAt = task.endTime - task.talkMs;
  const starts = task.conversation.map((turn, i) => (i === 0 ? 0 : Math.min(task.talkMs, Math.max(0, turn.timestamp - answeredAt))));
  const slices: RecordingSlice[] = [];
  for (let i = 0; i < starts.length; i++) {
    const fromMs = starts[i]!;
    const toMs = i + 1 < starts.length ? starts[i + 1]! : Number.POSITIVE_INFINITY;
    if (toMs > fromMs) slices.push({ index: slices.length + 1, fromMs, toMs });
  }
  return slices;
}
