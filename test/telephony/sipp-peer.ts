import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';

/**
 * sipp (Debian's sip-tester) as the far end of a test call: one scenario from
 * fixtures/, one call (-m 1), bounded in time, on a 127.0.0.x address of its own.
 */
export interface SippPeer {
  address: string;
  port: number;
  /** Resolves when sipp exits: code 0 when the scenario ran to its end. */
  exited: Promise<{ code: number | null; output: string }>;
  stop(): void;
}

export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** A UDP port nobody holds on `address` right now (bound to 0, read, released). */
export function freeUdpPort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, address, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** `calls`: how many calls the scenario runs (-m); `remote`: the address sipp calls, when the scenario sends first (a UAC). */
export async function startSipp(scenario: string, options: { address: string; rtpEcho?: boolean; timeoutS?: number; calls?: number; remote?: string }): Promise<SippPeer> {
  const port = await freeUdpPort(options.address);
  const mediaPort = await freeUdpPort(options.address);
  const args = ['-sf', fixture(scenario), '-i', options.address, '-p', String(port), '-mi', options.address, '-mp', String(mediaPort), '-m', String(options.calls ?? 1), '-l', String(options.calls ?? 1), '-timeout', `${options.timeoutS ?? 30}s`, '-timeout_error', '-nostdin'];
  if (options.rtpEcho) args.push('-rtp_echo');
  if (options.remote) args.push(options.remote);
  if (process.env.SIPP_TRACE) args.push('-trace_msg', '-message_file', process.env.SIPP_TRACE);
  const child = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => child.on('close', (code) => resolve({ code, output })));
  // sipp reads its scenario and binds within a few hundred ms; there is no readiness signal.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { address: options.address, port, exited, stop: () => child.kill('SIGKILL') };
}
