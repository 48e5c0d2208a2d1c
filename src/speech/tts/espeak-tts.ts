import { spawn } from 'node:child_process';
import { hasCjk } from '../../dialog/tokenizer.ts';
import { TTS_SAMPLE_RATE, type Tts } from './tts.ts';

/**
 * The offline default: Debian's espeak-ng speaks the text (Mandarin for text with CJK
 * characters, English otherwise, unless a voice is named) as a WAV on stdout, and sox
 * resamples it to 8 kHz 16-bit mono raw samples. Both run as child processes; no service
 * or network is needed. espeak-ng gets the text on stdin, so no text is ever parsed as an
 * option.
 */
export class EspeakTts implements Tts {
  constructor(private readonly timeoutMs = 20_000) {}

  async render(text: string, voice?: string): Promise<Int16Array> {
    const chosen = voice ?? (hasCjk(text) ? 'cmn' : 'en');
    const wav = await run('espeak-ng', ['-v', chosen, '--stdout'], Buffer.from(text, 'utf8'), this.timeoutMs);
    const raw = await run('sox', ['-t', 'wav', '-', '-t', 'raw', '-r', String(TTS_SAMPLE_RATE), '-e', 'signed-integer', '-b', '16', '-c', '1', '-L', '-'], wav, this.timeoutMs);
    const samples = new Int16Array(raw.length >> 1);
    for (let i = 0; i < samples.length; i++) samples[i] = raw.readInt16LE(i * 2);
    return samples;
  }
}

function run(command: string, args: string[], input: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new Error(`${command} could not run (is it installed? see docs/telephony.md): ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${command} exited with ${code}: ${Buffer.concat(err).toString('utf8').trim().slice(0, 200)}`));
    });
    child.stdin.on('error', () => {}); // an early exit is reported by 'close'
    child.stdin.end(input);
  });
}
