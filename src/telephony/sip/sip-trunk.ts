import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import sip, { type Remote, type SipMessage, type SipStack } from 'sip';
import type { SipSettings } from '../../config/sip-config.ts';

/**
 * The SIP stack bound to OUTBOUNDBOT_SIP_BIND: the `sip` package does parsing,
 * transport and transactions; this routes what arrives. Requests inside a call's dialog
 * (BYE, re-INVITE, INFO ...) go to that call by Call-ID; OPTIONS (a trunk's keep-alive
 * probe) is answered 200; anything else out of dialog is refused (481, or 405 for an
 * INVITE: inbound calls are not handled yet).
 */
export interface DialogHandler {
  onRequest(request: SipMessage): void;
}

export const ALLOWED_METHODS = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE';

export class SipTrunk {
  private stack: SipStack | undefined;
  private readonly dialogs = new Map<string, DialogHandler>();

  constructor(readonly settings: SipSettings) {}

  /** Binds the SIP port; fails (rather than crashing later) when it is taken. */
  async start(): Promise<void> {
    const { address, port } = this.settings.bind;
    const tcp = this.settings.trunk.transport === 'tcp';
    // The package binds without an error listener (a taken port would be an uncaught
    // error): try the port first so a clash is a clear start-up failure.
    await probe(address, port, tcp);
    this.stack = sip.create(
      { address, port, publicAddress: this.settings.publicAddress, udp: true, tcp, logger: { error: () => {} } },
      (request, remote) => this.route(request, remote),
    );
  }

  stop(): void {
    this.stack?.destroy();
    this.stack = undefined;
    this.dialogs.clear();
  }

  send(message: SipMessage, onResponse?: (response: SipMessage) => void): void {
    if (!this.stack) throw new Error('the SIP trunk is not started');
    this.stack.send(message, onResponse);
  }

  register(callId: string, handler: DialogHandler): void {
    this.dialogs.set(callId, handler);
  }

  unregister(callId: string): void {
    this.dialogs.delete(callId);
  }

  /** The URI requests to `number` are sent to: the trunk's host and port. */
  requestUri(number: string): string {
    const { host, port, transport } = this.settings.trunk;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    return `sip:${number}@${hostPart}:${port}${transport === 'tcp' ? ';transport=tcp' : ''}`;
  }

  /** Our own URI for `user`, put in From and Contact. */
  localUri(user: string): string {
    const host = this.settings.publicAddress.includes(':') ? `[${this.settings.publicAddress}]` : this.settings.publicAddress;
    return `sip:${user}@${host}:${this.settings.bind.port}${this.settings.trunk.transport === 'tcp' ? ';transport=tcp' : ''}`;
  }

  private route(request: SipMessage, _remote: Remote): void {
    const callId = request.headers['call-id'];
    const handler = callId ? this.dialogs.get(callId) : undefined;
    if (handler) {
      handler.onRequest(request);
      return;
    }
    if (request.method === 'ACK') return;
    if (request.method === 'OPTIONS') {
      const response = sip.makeResponse(request, 200, 'OK');
      response.headers.allow = ALLOWED_METHODS;
      response.headers.accept = 'application/sdp';
      this.send(response);
      return;
    }
    if (request.method === 'INVITE' && !request.headers.to?.params.tag) {
      const response = sip.makeResponse(request, 405, 'Method Not Allowed');
      response.headers.allow = 'OPTIONS';
      this.send(response);
      return;
    }
    this.send(sip.makeResponse(request, 481, 'Call/Transaction Does Not Exist'));
  }
}

async function probe(address: string, port: number, tcp: boolean): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', (error) => reject(new Error(`OUTBOUNDBOT_SIP_BIND ${address}:${port} cannot be bound (udp): ${error.message}`)));
    socket.bind(port, address, () => socket.close(() => resolve()));
  });
  if (!tcp) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => reject(new Error(`OUTBOUNDBOT_SIP_BIND ${address}:${port} cannot be bound (tcp): ${error.message}`)));
    server.listen(port, address, () => server.close(() => resolve()));
  });
}
