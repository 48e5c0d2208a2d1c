import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SipMessage } from 'sip';

/**
 * What a process killed mid-call (kill -9, a power cut) would leave hanging at the far
 * end: for each call in progress, one file under `<data dir>/sip-dialogs/` holding the
 * request that ends it (the CANCEL while it rings, the BYE once answered), written when
 * the call's state changes and removed when it ends. The next start sends each leftover
 * request once and removes the file, so a callee left on a dead line is hung up.
 *
 * Writes are synchronous and small (one per INVITE, one per answer): a kill right after
 * a state change still finds its file. A file that cannot be read (cut mid-write) is
 * dropped: that call's far end ends it by its own timers, as it would without a journal.
 */
export interface CallJournal {
  record(callId: string, ending: SipMessage): void;
  forget(callId: string): void;
}

export class DialogJournal implements CallJournal {
  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  record(callId: string, ending: SipMessage): void {
    writeFileSync(this.fileOf(callId), JSON.stringify(ending));
  }

  forget(callId: string): void {
    rmSync(this.fileOf(callId), { force: true });
  }

  /** The ending requests a previous process left (and forgets them: each is sent once). */
  takeLeftovers(): SipMessage[] {
    const requests: SipMessage[] = [];
    for (const name of readdirSync(this.directory)) {
      if (!name.endsWith('.json')) continue;
      const file = join(this.directory, name);
      try {
        requests.push(JSON.parse(readFileSync(file, 'utf8')) as SipMessage);
      } catch {
        // cut mid-write: nothing to send
      }
      rmSync(file, { force: true });
    }
    return requests;
  }

  private fileOf(callId: string): string {
    return join(this.directory, `${callId.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  }
}
