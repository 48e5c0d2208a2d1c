import { useStrings } from '../i18n.ts';

/** What the group's list and page both show of its progress (GetJobGroup / ListJobGroups Progress). */
export interface GroupProgress {
  TotalJobs: number;
  TotalCompleted: number;
  Failed?: number;
  FailedNum?: number;
  Cancelled?: number;
  CancelledNum?: number;
}

/** Jobs that reached an end (completed, failed, cancelled) out of all jobs. */
export function ProgressBar({ progress }: { progress: GroupProgress }) {
  const strings = useStrings();
  const ended = progress.TotalCompleted + (progress.Failed ?? progress.FailedNum ?? 0) + (progress.Cancelled ?? progress.CancelledNum ?? 0);
  return (
    <span class="progress">
      <progress max={Math.max(progress.TotalJobs, 1)} value={ended} aria-label={strings.progress} /> {ended}/{progress.TotalJobs}
    </span>
  );
}
