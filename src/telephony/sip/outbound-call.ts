import { randomBytes } from 'node:crypto';
import sip, { type NameAddr, type SipMessage } from 'sip';
import digest from 'sip/digest.js';
import type { MediaAnswer, MediaDirection } from '../media/sdp.ts';
import type { CallJournal } from './dialog-journal.ts';
import { MidDialog } from './mid-dialog.ts';
import type { UnansweredEvent } from './outcome-table.ts';
import { ALLOWED_METHODS, type SipTrunk } from './sip-trunk.ts';

/**
 * One outgoing INVITE dialog (RFC 3261 sections 12-17) on the trunk.
 *
 * Modes: IDLE (waiting for the trunk's calls-per-second slot) -> CALLING (INVITE sent) -> EARLY (a 180/183 came) -> CONFIRMED (2xx, ACK sent)
 * -> ENDED (BYE either way). From CALLING or EARLY: a final non-2xx ends it (onFailed);
 * a 401/407 is answered once with digest credentials (a new INVITE, CSeq + 1); the
 * ring timer sends CANCEL (CANCELLING), whose 487 ends it as a ring timeout.
 * A 2xx that crosses our CANCEL is ACKed and hung up at once: the callee answered just
 * as we gave up, and a call nobody speaks on is worse than a missed one.
 * In CONFIRMED, the trunk's re-INVITE, UPDATE, INFO and OPTIONS go to mid-dialog.ts
 * (hold, session refresh, Session-Timers).
 */
export interface CallParties {
  callingNumber: string;
  calledNumber: string;
  /** Our SDP: the INVITE's offer is version 0, sendrecv; later versions answer the trunk's re-offers. */
  localSdp(direction: MediaDirection, version: number): string;
  ringingTimeoutMs: number;
  credentials?: { user: string; password: string };
}

export interface CallEvents {
  onRinging(): void;
  onAnswered(sdpAnswer: string): void;
  /** The attempt ended unanswered: a final response's status, or an event. */
  onFailed(reason: { status: number } | { event: UnansweredEvent; status: number }): void;
  onRemoteBye(): void;
  /** A key sent by SIP INFO (application/dtmf-relay), for trunks that do not send RFC 4733. */
  onInfoKey(key: string): void;
  /** A re-INVITE or UPDATE offered new media (hold, resume, another address). */
  onRemoteMedia(media: MediaAnswer | undefined, theirDirection: MediaDirection): void;
  /** The session timer ran out (RFC 4028): the call is gone. */
  onSessionExpired(): void;
}

type Mode = 'IDLE' | 'CALLING' | 'EARLY' | 'CANCELLING' | 'CONFIRMED' | 'ENDED';

/** How long to wait for the 487 after our CANCEL before counting the ring timeout anyway. */
const CANCEL_GUARD_MS = 4_000;
/** How long to wait for the answer to our BYE (RFC 3261 Timer F is 32 s; we need not know). */
const BYE_GUARD_MS = 4_000;
/** The journaled BYE's CSeq is this far above the answer's: past any refresh the call may send before it dies. */
const JOURNAL_CSEQ_GAP = 10_000;

export class OutboundCall {
  readonly callId = `${randomBytes(12).toString('hex')}@outboundbot`;
  private readonly localTag = randomBytes(6).toString('hex');
  private mode: Mode = 'IDLE';
  private invite!: SipMessage;
  private authAnswered = false;
  private provisional = false;
  private ringTimer: NodeJS.Timeout | undefined;
  private cancelGuard: NodeJS.Timeout | undefined;
  private localSeq = 1;
  private remoteTo: NameAddr | undefined;
  private remoteTarget = '';
  private routeSet: NameAddr[] = [];
  private ack: SipMessage | undefined;
  /** Once onAnswered or onFailed has been called: each call hears exactly one of them. */
  private settled = false;
  /** The SIP status that settled the attempt (for the report). */
  finalStatus = 0;
  private readonly midDialog: MidDialog;

  constructor(
    private readonly trunk: SipTrunk,
    private readonly parties: CallParties,
    private readonly events: CallEvents,
    private readonly journal?: CallJournal,
  ) {
    this.midDialog = new MidDialog(
      { trunk, contact: [{ uri: trunk.localUri(parties.callingNumber), params: {} }], inDialog: (method) => this.inDialog(method) },
      parties.localSdp,
      { onInfoKey: (key) => events.onInfoKey(key), onRemoteMedia: (media, direction) => events.onRemoteMedia(media, direction), onSessionExpired: () => events.onSessionExpired() },
    );
  }

  start(): void {
    if (this.mode !== 'IDLE') return; // aborted while waiting for its slot
    this.mode = 'CALLING';
    this.trunk.register(this.callId, { onRequest: (request) => this.onRequest(request) });
    const { callingNumber, calledNumber } = this.parties;
    const from = this.trunk.localUri(callingNumber);
    this.invite = {
      method: 'INVITE',
      uri: this.trunk.requestUri(calledNumber),
      headers: {
        to: { uri: this.trunk.requestUri(calledNumber), params: {} },
        from: { uri: from, params: { tag: this.localTag } },
        'call-id': this.callId,
        cseq: { method: 'INVITE', seq: this.localSeq },
        contact: [{ uri: from, params: {} }],
        'p-asserted-identity': `<${from.replace(/;transport=tcp$/, '')}>`,
        'max-forwards': 70,
        allow: ALLOWED_METHODS,
        // Session-Timers (RFC 4028) when the trunk asks; we do not ask ourselves.
        supported: 'timer',
        'user-agent': 'outboundbot',
        'content-type': 'application/sdp',
      },
      content: this.parties.localSdp('sendrecv', 0),
    };
    this.sendInvite();
    this.ringTimer = setTimeout(() => this.cancel(), this.parties.ringingTimeoutMs);
  }

  /** Ends a confirmed call with BYE; resolves on its answer (or after a guard time). */
  hangUp(): Promise<void> {
    if (this.mode !== 'CONFIRMED') return Promise.resolve();
    this.mode = 'ENDED';
    this.midDialog.stop();
    return new Promise((resolve) => {
      const guard = setTimeout(finish, BYE_GUARD_MS);
      const self = this;
      function finish() {
        clearTimeout(guard);
        self.release();
        resolve();
      }
      this.trunk.send(this.inDialog('BYE'), (response) => {
        if ((response.status ?? 0) >= 200) finish();
      });
    });
  }

  /** Stops the attempt however far it got (shutdown): CANCEL while ringing, BYE once answered. */
  async abort(): Promise<void> {
    if (this.mode === 'IDLE') return this.fail({ event: 'transportError', status: 0 }); // never sent: nothing to cancel
    if (this.mode === 'CALLING' || this.mode === 'EARLY') this.cancel();
    else await this.hangUp();
  }

  private sendInvite(): void {
    const invite = this.invite;
    let journaled = false;
    this.trunk.send(invite, (response) => {
      if (invite !== this.invite) return;
      // By the first provisional the stack has put its Via (our branch, which a CANCEL must name) on the INVITE.
      if (!journaled && (response.status ?? 0) < 200 && (this.mode === 'CALLING' || this.mode === 'EARLY')) {
        journaled = true;
        this.journal?.record(this.callId, this.cancelRequest());
      }
      this.onInviteResponse(response);
    });
  }

  /** The call is over for us: no more requests of its dialog, nothing left to end after a crash. */
  private release(): void {
    this.trunk.unregister(this.callId);
    this.journal?.forget(this.callId);
  }

  private onInviteResponse(response: SipMessage): void {
    const status = response.status ?? 0;
    if (status < 200) {
      if (status === 100) return;
      this.provisional = true;
      if (this.mode === 'CALLING') {
        this.mode = 'EARLY';
        this.events.onRinging();
      }
      return;
    }
    if (status < 300) return this.onSuccess(response);
    if ((status === 401 || status === 407) && (this.mode === 'CALLING' || this.mode === 'EARLY')) {
      if (this.parties.credentials && !this.authAnswered) {
        this.authAnswered = true;
        this.invite = this.nextInvite(response);
        this.sendInvite();
        return;
      }
      return this.fail({ event: 'authFailed', status });
    }
    if (this.mode === 'CANCELLING') return this.fail({ event: 'ringTimeout', status });
    if (this.mode !== 'CALLING' && this.mode !== 'EARLY') return;
    // The stack answers a request that got no response at all (Timer B) with its own 408,
    // and an unreachable TCP trunk with 503: before any provisional, that is the trunk, not the callee.
    if (!this.provisional && (status === 408 || status === 503) && !response.headers.to?.params.tag) return this.fail({ event: 'transportError', status });
    this.fail({ status });
  }

  private onSuccess(response: SipMessage): void {
    if (this.ack) {
      if (this.mode === 'CONFIRMED') this.trunk.send(this.ack); // a retransmitted 2xx: our ACK was lost
      return;
    }
    this.remoteTo = response.headers.to;
    const contact = response.headers.contact?.[0]?.uri;
    this.remoteTarget = contact ? sip.stringifyUri(contact) : String(this.invite.uri);
    this.routeSet = [...(response.headers['record-route'] ?? [])].reverse();
    this.ack = {
      method: 'ACK',
      uri: this.remoteTarget,
      headers: {
        to: this.remoteTo,
        from: this.invite.headers.from,
        'call-id': this.callId,
        cseq: { method: 'ACK', seq: this.invite.headers.cseq!.seq },
        via: [],
        route: [...this.routeSet],
        'max-forwards': 70,
      },
    };
    this.trunk.send(this.ack);
    if (this.settled || this.mode === 'CANCELLING') {
      // Answered as (or after) we gave up ringing: counted as the ring timeout, and hung up.
      this.fail({ event: 'ringTimeout', status: 487 });
      this.mode = 'CONFIRMED';
      void this.hangUp();
      return;
    }
    clearTimeout(this.ringTimer);
    this.settled = true;
    this.finalStatus = response.status!;
    this.mode = 'CONFIRMED';
    const bye = this.inDialog('BYE');
    this.localSeq--; // only journaled, not sent
    bye.headers.cseq = { method: 'BYE', seq: this.localSeq + JOURNAL_CSEQ_GAP };
    this.journal?.record(this.callId, bye);
    this.midDialog.answered(response);
    this.events.onAnswered(response.content ?? '');
  }

  private cancel(): void {
    if (this.mode !== 'CALLING' && this.mode !== 'EARLY') return;
    this.mode = 'CANCELLING';
    this.trunk.send(this.cancelRequest(), () => {});
    this.cancelGuard = setTimeout(() => this.fail({ event: 'ringTimeout', status: 487 }), CANCEL_GUARD_MS);
  }

  private cancelRequest(): SipMessage {
    const invite = this.invite;
    return {
      method: 'CANCEL',
      uri: invite.uri,
      headers: {
        via: [invite.headers.via![0]!],
        to: invite.headers.to,
        from: invite.headers.from,
        'call-id': this.callId,
        cseq: { method: 'CANCEL', seq: invite.headers.cseq!.seq },
        'max-forwards': 70,
      },
    };
  }

  private fail(reason: { status: number } | { event: UnansweredEvent; status: number }): void {
    clearTimeout(this.ringTimer);
    clearTimeout(this.cancelGuard);
    if (this.settled) return;
    this.settled = true;
    this.finalStatus = reason.status;
    if (this.mode !== 'CONFIRMED') {
      this.mode = 'ENDED';
      this.release();
    }
    this.events.onFailed(reason);
  }

  /** The INVITE again with digest credentials for the challenge in `challenge`. */
  private nextInvite(challenge: SipMessage): SipMessage {
    const previous = this.invite;
    const invite: SipMessage = {
      method: 'INVITE',
      uri: previous.uri,
      headers: { ...previous.headers, via: [], cseq: { method: 'INVITE', seq: ++this.localSeq } },
      content: previous.content,
    };
    delete invite.headers.authorization;
    delete invite.headers['proxy-authorization'];
    digest.signRequest({}, invite, challenge, this.parties.credentials);
    return invite;
  }

  private inDialog(method: string): SipMessage {
    return {
      method,
      uri: this.remoteTarget,
      headers: {
        to: this.remoteTo,
        from: this.invite.headers.from,
        'call-id': this.callId,
        cseq: { method, seq: ++this.localSeq },
        route: [...this.routeSet],
        'max-forwards': 70,
      },
    };
  }

  private onRequest(request: SipMessage): void {
    if (request.method === 'BYE') {
      this.trunk.send(sip.makeResponse(request, 200, 'OK'));
      if (this.mode === 'CONFIRMED') {
        this.mode = 'ENDED';
        this.midDialog.stop();
        this.release();
        this.events.onRemoteBye();
      }
      return;
    }
    if (this.mode === 'CONFIRMED') return this.midDialog.handle(request);
    // Before the 2xx (an early-dialog UPDATE, PRACK ...) or after our BYE: nothing of ours changes.
    if (request.method !== 'ACK') this.trunk.send(sip.makeResponse(request, 200, 'OK'));
  }
}
