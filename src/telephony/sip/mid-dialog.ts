import sip, { type NameAddr, type SipMessage } from 'sip';
import { answerDirection, parseAnswer, sdpDirection, type MediaAnswer, type MediaDirection } from '../media/sdp.ts';
import { SessionTimer, sessionExpiresHeader, sessionExpiresOf, type SessionExpiry } from './session-timer.ts';
import type { SipTrunk } from './sip-trunk.ts';

/**
 * What happens inside a confirmed call's dialog besides BYE: the trunk's re-INVITE and
 * UPDATE (hold, resume, a new media address, a session refresh) answered with our SDP
 * in the direction that answers theirs (RFC 3264 section 6.1: their sendonly is our
 * recvonly, i.e. we are on hold); an offerless re-INVITE answered with our offer, their
 * answer read from the ACK; INFO keys (application/dtmf-relay); OPTIONS and anything
 * else in the dialog answered 200. Session-Timers (session-timer.ts) run from the 2xx
 * of our INVITE and from every refresh the trunk sends.
 */
export interface DialogLine {
  trunk: SipTrunk;
  contact: NameAddr[];
  /** A new request in the dialog (the next CSeq). */
  inDialog(method: string): SipMessage;
}

export interface MidDialogEvents {
  /** The trunk offered new media: where to send (when it says) and the direction it asks for, from its side. */
  onRemoteMedia(media: MediaAnswer | undefined, theirDirection: MediaDirection): void;
  onInfoKey(key: string): void;
  /** The session timer ran out, or our refresh found the dialog gone: the call must end. */
  onSessionExpired(): void;
}

export class MidDialog {
  private readonly timer: SessionTimer;
  private direction: MediaDirection = 'sendrecv';
  /** How many times our SDP has changed since the first offer (its o= version). */
  private version = 0;
  private peerAllowsUpdate = false;
  private awaitingAckAnswer = false;

  constructor(
    private readonly line: DialogLine,
    private readonly localSdp: (direction: MediaDirection, version: number) => string,
    private readonly events: MidDialogEvents,
  ) {
    this.timer = new SessionTimer({ refresh: () => this.refresh(), expired: () => events.onSessionExpired() });
  }

  /** Our INVITE's 2xx: whether the trunk takes UPDATE, and the session timer it asks for. */
  answered(response: SipMessage): void {
    this.peerAllowsUpdate = /\bUPDATE\b/i.test(String(response.headers.allow ?? ''));
    this.timer.start(sessionExpiresOf(response, 'uac', 'us'));
  }

  stop(): void {
    this.timer.stop();
  }

  /** A request of the trunk in the confirmed dialog (not BYE). */
  handle(request: SipMessage): void {
    switch (request.method) {
      case 'ACK':
        if (this.awaitingAckAnswer && request.content?.trim()) this.takeOffer(request.content);
        this.awaitingAckAnswer = false;
        return;
      case 'INVITE':
      case 'UPDATE':
        return this.answerOffer(request);
      case 'INFO': {
        const signal = /Signal\s*=\s*([0-9*#A-D])/i.exec(request.content ?? '');
        this.line.trunk.send(sip.makeResponse(request, 200, 'OK'));
        if (signal) this.events.onInfoKey(signal[1]!.toUpperCase());
        return;
      }
      default:
        this.line.trunk.send(sip.makeResponse(request, 200, 'OK')); // OPTIONS in the dialog: nothing of ours changes
    }
  }

  private answerOffer(request: SipMessage): void {
    const offer = request.content?.trim() ? request.content : undefined;
    if (offer && !parseAnswer(offer) && !/^m=audio 0 /m.test(offer)) {
      this.line.trunk.send(sip.makeResponse(request, 488, 'Not Acceptable Here'));
      return;
    }
    const response = sip.makeResponse(request, 200, 'OK');
    response.headers.contact = this.line.contact;
    if (offer) {
      const theirs = this.takeOffer(offer);
      response.headers['content-type'] = 'application/sdp';
      response.content = this.sdp(answerDirection(theirs));
    } else if (request.method === 'INVITE') {
      // An offerless re-INVITE: our 200 is the offer, the ACK brings their answer.
      this.awaitingAckAnswer = true;
      response.headers['content-type'] = 'application/sdp';
      response.content = this.sdp('sendrecv');
    }
    // Every re-INVITE and UPDATE refreshes the session; one without Session-Expires turns the timer off (RFC 4028 section 9).
    const expiry = sessionExpiresOf(request, 'uas', /\btimer\b/i.test(String(request.headers.supported ?? '')) ? 'them' : 'us');
    if (expiry) {
      response.headers['session-expires'] = sessionExpiresHeader(expiry, 'uas');
      response.headers.require = 'timer';
    }
    this.timer.start(expiry);
    this.line.trunk.send(response);
  }

  private takeOffer(sdp: string): MediaDirection {
    const theirs = /^m=audio 0 /m.test(sdp) ? 'inactive' : sdpDirection(sdp);
    this.events.onRemoteMedia(parseAnswer(sdp), theirs);
    return theirs;
  }

  /** Our SDP in `direction`, its version one more whenever the direction changes. */
  private sdp(direction: MediaDirection): string {
    if (direction !== this.direction) {
      this.direction = direction;
      this.version++;
    }
    return this.localSdp(direction, this.version);
  }

  /** Our session refresh (RFC 4028 section 10): UPDATE when the trunk allows it, else a re-INVITE with our SDP. */
  private refresh(): Promise<SessionExpiry | undefined | false> {
    const method = this.peerAllowsUpdate ? 'UPDATE' : 'INVITE';
    const request = this.line.inDialog(method);
    const current = this.timer.expiry!;
    request.headers['session-expires'] = sessionExpiresHeader(current, 'uac');
    request.headers.supported = 'timer';
    request.headers.contact = this.line.contact;
    if (method === 'INVITE') {
      request.headers['content-type'] = 'application/sdp';
      request.content = this.localSdp(this.direction, this.version);
    }
    return new Promise((resolve) => {
      this.line.trunk.send(request, (response) => {
        const status = response.status ?? 0;
        if (status < 200) return;
        if (method === 'INVITE' && status < 300) {
          const ack = this.line.inDialog('ACK');
          ack.headers.cseq = { method: 'ACK', seq: request.headers.cseq!.seq };
          ack.headers.via = [];
          this.line.trunk.send(ack);
        }
        // 408 and 481: the far end has lost the dialog (RFC 4028 section 10). Other failures (491 glare ...) leave the session as it was.
        if (status === 408 || status === 481) resolve(false);
        else resolve(status < 300 ? sessionExpiresOf(response, 'uac', 'us') : current);
      });
    });
  }
}
