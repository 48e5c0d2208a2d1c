import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort, type SippPeer } from './sipp-peer.ts';

/**
 * baresip (Debian's package) as a callee that answers at once and keeps what it hears:
 * its `sndfile` filter writes the decoded far-end audio to dump-*-dec.wav in its own
 * config dir. It sends a 600 Hz tone (aufile on a WAV; TONE_HZ) so our media timeout is not hit and the recording's callee channel has something to find,
 * plays to the `aubridge` player (no sound device), and takes key presses on the `cons`
 * UDP console: each character sent there is a key, sent during a call as RFC 4733.
 * Bounded by `-t` and killed by stop().
 */
export interface BaresipPeer extends SippPeer {
  /** Presses keys (digits, * or #) in the call in progress. */
  press(keys: string): Promise<void>;
  /** The decoded audio baresip received, 8 kHz mono, once the call has ended. */
  heard(): Int16Array;
}

const MODULES = ['g711', 'aufile', 'aubridge', 'sndfile', 'account', 'menu', 'cons'];

export async function startBaresip(options: { address: string; lifetimeS?: number }): Promise<BaresipPeer> {
  const { address } = options;
  const dir = mkdtempSync(join(tmpdir(), 'outboundbot-baresip-'));
  const port = await freeUdpPort(address);
  const consPort = await freeUdpPort(address);
  const rtpFirst = 42000 + Math.floor(Math.random() * 500) * 2;
  writeFileSync(join(dir, 'tone.wav'), toneWav(60));
  writeFileSync(
    join(dir, 'config'),
    [
      `sip_listen ${address}:${port}`,
      'module_path /usr/lib/baresip/modules',
      ...MODULES.map((name) => `module ${name}.so`),
      'audio_player aubridge,nil',
      'audio_alert aubridge,nil',
      `audio_source aufile,${join(dir, 'tone.wav')}`,
      `snd_path ${dir}`,
      `cons_listen ${address}:${consPort}`,
      `rtp_ports ${rtpFirst}-${rtpFirst + 9}`,
      'dtmf_mode rtpevent',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'accounts'), `<sip:13800000001@${address}>;regint=0;answermode=auto;audio_codecs=PCMU\n`);
  const child = spawn('baresip', ['-f', dir, '-t', String(options.lifetimeS ?? 30)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString('utf8'));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => child.on('close', (code) => resolve({ code, output })));
  for (let waited = 0; !output.includes('baresip is ready') && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  const stop = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    address,
    port,
    exited,
    stop,
    press: async (keys) => {
      const { createSocket } = await import('node:dgram');
      const socket = createSocket('udp4');
      for (const key of keys) {
        await new Promise<void>((resolve) => socket.send(key, consPort, address, () => resolve()));
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      socket.close();
    },
    heard: () => {
      const dump = existsSync(dir) ? readdirSync(dir).find((name) => name.endsWith('-dec.wav')) : undefined;
      if (!dump) throw new Error(`baresip wrote no dump of the received audio:\n${output}`);
      return wavSamples(readFileSync(join(dir, dump)));
    },
  };
}

/** What baresip sends: a sine of this frequency. */
export const TONE_HZ = 600;

/** `samples` of the tone baresip sends, 8 kHz. */
export function tone(samples: number): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * TONE_HZ * i) / 8000)));
}

/** A 16-bit 8 kHz mono WAV of `seconds` of the tone. */
function toneWav(seconds: number): Buffer {
  const samples = tone(8000 * seconds);
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** The samples of a 16-bit PCM WAV's data chunk (interleaved when it is stereo). */
export function wavSamples(wav: Buffer): Int16Array {
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'data') {
      const end = Math.min(wav.length, offset + 8 + size);
      const samples = new Int16Array((end - offset - 8) >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = wav.readInt16LE(offset + 8 + i * 2);
      return samples;
    }
    offset += 8 + size + (size & 1);
  }
  return new Int16Array(0);
}
