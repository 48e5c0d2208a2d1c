/** A job (one contact to call, with its attempts) as the domain reasons about it; src/store/rows.ts re-exports it. */

export type JobStatus = 'Scheduling' | 'Executing' | 'Succeeded' | 'Failed' | 'Paused' | 'Cancelled';

export interface Contact {
  id: string;
  /** As the user wrote it (a contact file's as dialled at home), shown in replies. */
  phoneNumber: string;
  /**
   * Its canonical form (E.164, src/domain/phone-number.ts), set where the number came
   * in; the block list is matched by it. Absent on jobs stored before it was carried.
   */
  e164?: string;
  name: string;
  honorific: string;
  referenceId: string;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface JobRow {
  id: string;
  instanceId: string;
  jobGroupId: string;
  referenceId: string;
  status: JobStatus;
  contacts: Contact[];
  extras: KeyValue[];
  /** Per-job calling numbers (AssignJobs CallingNumber); empty means the group's. */
  callingNumbers: string[];
  /** The script version published when the job was assigned; '' without a script. */
  scriptVersion: string;
  /** When a Scheduling job may next be called (always a callable moment, see domain/schedule.ts). */
  nextAttemptAt: number;
  attempts: number;
  /** The local day (YYYY-MM-DD) `dayAttempts` counts. */
  attemptDay: string;
  dayAttempts: number;
  lastAttemptAt: number;
  failureReason: string;
  endReason: string;
  createdAt: number;
  modifiedAt: number;
}
