import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SipSettings } from '../../config/sip-config.ts';
import { LiveCall } from '../../dialog/live-call.ts';
import { MinimalLiveConversation, type LiveConversation } from '../../dialog/live-conversation.ts';
import { builtinNlu } from '../../dialog/nlu-engines.ts';
import { DialogSession, variableValues } from '../../dialog/runtime.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Tts } from '../../speech/tts/tts.ts';
import { CallRecording } from '../media/call-recording.ts';
import { RtpPortPool } from '../media/port-pool.ts';
import { RtpSession } from '../media/rtp-session.ts';
import { buildOffer, parseAnswer } from '../media/sdp.ts';
import type { CallReport, Carrier, DialRequest } from '../carrier.ts';
import { CallPacer } from './call-pacer.ts';
import { DialogJournal } from './dialog-journal.ts';
import { OutboundCall } from './outbound-call.ts';
import { resultOfEvent, resultOfFinalResponse } from './outcome-table.ts';
import { SipTrunk } from './sip-trunk.ts';

/**
 * The carrier that places real calls through a SIP trunk: signalling by OutboundCall,
 * audio by RtpSession, the conversation by LiveCall. Each dial reports exactly once.
 * Times in reports are on the engine's clock; pacing uses the monotonic clock inside
 * RtpSession. docs/telephony.md describes the whole.
 */
export interface SipCarrierTimings {
  /** A listen node's wait for a key after its prompt. */
  listenTimeoutMs: number;
  /** No RTP from the far end for this long ends an answered call. */
  mediaTimeoutMs: number;
  /** The line stays open this long after the last prompt, before our BYE (the callee's jitter buffer plays out). */
  hangupTailMs: number;
}

/** How long stop() waits for cancelled calls to settle. */
const STOP_WAIT_MS = 5_000;

export const DEFAULT_SIP_TIMINGS: SipCarrierTimings = { listenTimeoutMs: 6_000, mediaTimeoutMs: 15_000, hangupTailMs: 300 };

export interface SipCarrierOptions {
  settings: SipSettings;
  clock: Clock;
  tts: Tts;
  timings?: Partial<SipCarrierTimings>;
  logger?: Logger;
  /** Sees each answered call's media session (bench/sip.ts reads pacing and loss from it). */
  onMedia?: (media: RtpSession) => void;
  /** Where each answered call's stereo WAV is written, `<callId>.wav` (the server's `<data dir>/recordings`). */
  recordingsDir?: string;
  /** Where calls in progress are journaled so a restart can end them (the server's `<data dir>/sip-dialogs`). */
  journalDir?: string;
}

export class SipCarrier implements Carrier {
  private readonly trunk: SipTrunk;
  private readonly ports: RtpPortPool;
  private readonly timings: SipCarrierTimings;
  private readonly pacer: CallPacer;
  private readonly journal: DialogJournal | undefined;
  private readonly live = new Set<OutboundCall>();
  /** Calls whose BYE is on its way: stop() waits for them before closing the SIP port. */
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly options: SipCarrierOptions) {
    this.trunk = new SipTrunk(options.settings);
    const { rtpPorts, bind } = options.settings;
    this.ports = new RtpPortPool(bind.address, rtpPorts.first, rtpPorts.last);
    this.timings = { ...DEFAULT_SIP_TIMINGS, ...options.timings };
    this.pacer = new CallPacer(options.settings.callsPerSecond);
    this.journal = options.journalDir ? new DialogJournal(options.journalDir) : undefined;
  }

  /** Binds the SIP port, then ends the calls a killed predecessor left (dialog-journal.ts). */
  async start(): Promise<void> {
    await this.trunk.start();
    const leftovers = this.journal?.takeLeftovers() ?? [];
    for (const request of leftovers) this.trunk.send(request, () => {});
    if (leftovers.length > 0) this.options.logger?.warn({ calls: leftovers.length }, 'ended the calls a previous process left in progress (CANCEL or BYE)');
  }

  /** Cancels or hangs up every call in progress, then closes the SIP port. */
  async stop(): Promise<void> {
    await Promise.all([...this.live].map((call) => call.abort()));
    await Promise.all([...this.closing]);
    // A CANCEL's 487 settles its call; the stack must not close under a request it is still sending.
    for (let waited = 0; this.live.size > 0 && waited < STOP_WAIT_MS; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    this.trunk.stop();
  }

  async dial(request: DialRequest, onEnded: (report: CallReport) => void): Promise<void> {
    const { clock, tts, settings, logger } = this.options;
    let reported = false;
    const report = (fields: Omit<CallReport, 'endedAt' | 'hangupDirection' | 'turns' | 'talkMs'> & Partial<CallReport>) => {
      if (reported) return;
      reported = true;
      onEnded({ endedAt: clock.now(), talkMs: 0, hangupDirection: '', turns: [], ...fields });
    };
    let rtp: Awaited<ReturnType<RtpPortPool['open']>>;
    try {
      rtp = await this.ports.open();
    } catch (error) {
      logger?.error({ err: error, callId: request.callId }, 'no RTP port for the call');
      return report({ result: 'NotConnected', ringingMs: 0, sipCode: '' });
    }
    const conversation: LiveConversation = request.dialog
      ? new DialogSession(request.dialog.script, variableValues(request.contact, request.extras), request.dialog.nlu, builtinNlu)
      : new MinimalLiveConversation(request.contact);
    // The greeting is rendered while the phone rings, so the callee hears it as soon as they answer.
    const first = conversation.start();
    for (const utterance of first.say) tts.render(utterance.text).catch(() => {});

    let media: RtpSession | undefined;
    let liveCall: LiveCall | undefined;
    let answeredAt = 0;
    /** When the INVITE left (after the calls-per-second wait): ringing is counted from there. */
    let invitedAt: number | undefined;
    const sessionId = clock.now();
    const call: OutboundCall = new OutboundCall(
      this.trunk,
      {
        callingNumber: request.callingNumber,
        calledNumber: request.calledNumber,
        localSdp: (direction, version) => buildOffer({ address: settings.publicAddress, port: rtp.port, sessionId, version: sessionId + version, direction }),
        ringingTimeoutMs: request.ringingTimeoutMs,
        credentials: settings.username && settings.password ? { user: settings.username, password: settings.password } : undefined,
      },
      {
        onRinging: () => {},
        onFailed: (reason) => {
          this.live.delete(call);
          rtp.release();
          const result = 'event' in reason ? resultOfEvent(reason.event) : resultOfFinalResponse(reason.status);
          report({ result, ringingMs: invitedAt === undefined ? 0 : clock.now() - invitedAt, sipCode: reason.status ? String(reason.status) : '' });
        },
        onAnswered: (sdp) => {
          answeredAt = clock.now();
          const answer = parseAnswer(sdp);
          if (!answer) {
            // No G.711 stream in the answer: nothing can be said on this call.
            this.live.delete(call);
            void call.hangUp();
            rtp.release();
            return report({ result: 'NotConnected', ringingMs: answeredAt - invitedAt!, sipCode: '488' });
          }
          const recording = this.options.recordingsDir ? new CallRecording() : undefined;
          media = new RtpSession({
            recording,
            socket: rtp.socket,
            remote: { address: answer.address, port: answer.port },
            codec: answer.codec,
            payloadType: answer.payloadType,
            telephoneEvent: answer.telephoneEvent,
            mediaTimeoutMs: this.timings.mediaTimeoutMs,
            onKey: (key) => liveCall?.key(key),
            onMediaTimeout: () => liveCall?.lineGone(),
          });
          liveCall = new LiveCall({
            conversation,
            line: media,
            tts,
            clock,
            listenTimeoutMs: this.timings.listenTimeoutMs,
            talkLimitMs: request.talkLimitMs,
            hangupTailMs: this.timings.hangupTailMs,
            onError: (error) => logger?.warn({ err: error, callId: request.callId }, 'a prompt could not be played'),
            onEnd: (end) => {
              const endedAt = clock.now();
              media?.close();
              // Reported once our BYE is answered (a no-op once the callee has sent BYE), so
              // a carrier stopped right after hears the far end's answer on an open socket.
              const saved = recording
                ? recording.save(join(this.options.recordingsDir!, `${request.callId.replace(/[^A-Za-z0-9_.-]/g, '_')}.wav`)).catch((error) => logger?.error({ err: error, callId: request.callId }, 'the call recording could not be written'))
                : undefined;
              const closing = Promise.all([call.hangUp(), saved]).then(() => {
                rtp.release();
                this.live.delete(call);
                this.closing.delete(closing);
                report({
                  result: 'Answered',
                  endedAt,
                  ringingMs: answeredAt - invitedAt!,
                  talkMs: endedAt - answeredAt,
                  sipCode: String(call.finalStatus),
                  conversationEnd: end.conversationEnd,
                  hangupDirection: end.hangupDirection,
                  turns: liveCall!.turns,
                  results: conversation.results(),
                });
              });
              this.closing.add(closing);
            },
          });
          this.options.onMedia?.(media);
          media.start();
          liveCall.start(first);
        },
        onRemoteBye: () => liveCall?.lineGone(),
        onInfoKey: (key) => liveCall?.key(key),
        onRemoteMedia: (answer, theirDirection) => media?.renegotiate(theirDirection, answer && { address: answer.address, port: answer.port }),
        onSessionExpired: () => liveCall?.lineGone(),
      },
      this.journal,
    );
    this.live.add(call);
    // Not awaited: the engine dials a round's calls one after another, and the wait is per trunk.
    void this.pacer.wait().then(() => {
      invitedAt = clock.now();
      call.start();
    });
  }
}
