import type { SipMessage } from 'sip';

/**
 * Session-Timers (RFC 4028) for one call, when the trunk asks for them: we send
 * `Supported: timer` in the INVITE and never ask ourselves; a 2xx (or a refresh the
 * trunk sends) with `Session-Expires: N;refresher=uac|uas` starts the timer.
 *
 * - we refresh (refresher=uac in the 2xx to our INVITE): at N/2 (section 10),
 *   with UPDATE when the trunk allows it, else a re-INVITE; a refresh that fails ends
 *   the call (the dialog is gone at the far end).
 * - the trunk refreshes: each refresh it sends restarts the timer; none by
 *   N - min(32, N/3) seconds (section 10) and we end the call with BYE.
 */
export interface SessionExpiry {
  seconds: number;
  /** Who refreshes: we, or the trunk (the header's uac/uas is relative to its transaction). */
  refresher: 'us' | 'them';
}

/**
 * The Session-Expires of a message of a transaction in which we are `weAre`, undefined
 * when absent or malformed; `unsaid` is the refresher when the header names none.
 */
export function sessionExpiresOf(message: SipMessage, weAre: 'uac' | 'uas', unsaid: 'us' | 'them'): SessionExpiry | undefined {
  const raw = message.headers['session-expires'] ?? message.headers.x; // `x` is its compact form
  const value = typeof raw === 'string' ? raw : Array.isArray(raw) ? String(raw[0]) : undefined;
  const match = value ? /^\s*(\d{1,9})\s*(?:;(.*))?$/.exec(value) : null;
  if (!match || Number(match[1]) < 1) return undefined;
  const named = /(?:^|;)\s*refresher\s*=\s*(uac|uas)\b/i.exec(match[2] ?? '')?.[1]?.toLowerCase();
  return { seconds: Number(match[1]), refresher: named === undefined ? unsaid : named === weAre ? 'us' : 'them' };
}

/** The header value for a message of a transaction in which we are `weAre`. */
export function sessionExpiresHeader(expiry: SessionExpiry, weAre: 'uac' | 'uas'): string {
  const other = weAre === 'uac' ? 'uas' : 'uac';
  return `${expiry.seconds};refresher=${expiry.refresher === 'us' ? weAre : other}`;
}

export class SessionTimer {
  private timer: NodeJS.Timeout | undefined;
  expiry: SessionExpiry | undefined;

  constructor(
    private readonly actions: {
      /** Our refresh: resolves with the 2xx's Session-Expires (kept as it was when absent), or false when it failed. */
      refresh(): Promise<SessionExpiry | undefined | false>;
      /** The session expired (or a refresh failed): the call must end. */
      expired(): void;
    },
  ) {}

  /** (Re)starts the timer for `expiry`; undefined stops it (the trunk turned it off). */
  start(expiry: SessionExpiry | undefined): void {
    this.stop();
    this.expiry = expiry;
    if (!expiry) return;
    const ms = expiry.seconds * 1000;
    if (expiry.refresher === 'us') {
      this.timer = setTimeout(() => {
        void this.actions.refresh().then((answer) => (answer === false ? this.actions.expired() : this.start(answer ?? this.expiry)));
      }, ms / 2);
    } else {
      this.timer = setTimeout(() => this.actions.expired(), ms - Math.min(32_000, ms / 3));
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
