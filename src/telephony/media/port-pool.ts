import { createSocket, type Socket } from 'node:dgram';

/**
 * The RTP ports of OUTBOUNDBOT_RTP_PORTS. A port is handed out as a bound UDP socket:
 * a port some other program holds fails to bind and the next one is tried, so the pool
 * never gives out a port it could not use. Ports are taken round-robin so a port just
 * released is not reused at once (late packets of the last call would land in the next).
 */
export class RtpPortPool {
  private next: number;
  private readonly inUse = new Set<number>();

  constructor(
    private readonly address: string,
    private readonly first: number,
    private readonly last: number,
  ) {
    this.next = first;
  }

  async open(): Promise<{ socket: Socket; port: number; release(): void }> {
    const size = this.last - this.first + 1;
    for (let tried = 0; tried < size; tried++) {
      const port = this.next;
      this.next = port === this.last ? this.first : port + 1;
      if (this.inUse.has(port)) continue;
      const socket = await bindUdp(this.address, port);
      if (!socket) continue;
      this.inUse.add(port);
      let released = false;
      return {
        socket,
        port,
        release: () => {
          if (released) return;
          released = true;
          this.inUse.delete(port);
          socket.close();
        },
      };
    }
    throw new Error(`no free RTP port in ${this.first}-${this.last}`);
  }
}

function bindUdp(address: string, port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, address, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
