import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { wavHeader } from './wav.ts';

/**
 * One answered call as a stereo WAV (8 kHz, 16-bit): the bot on the left, the callee on the
 * right, each 20 ms frame at its slot on the call's timeline (slot n = start + n x 20 ms).
 * The bot's frames are what it sent, decoded from G.711 as the callee heard them; the
 * callee's are placed by their RTP timestamps from the first packet's arrival, so late or
 * reordered packets land where they belong (a lost one is silence). Kept in memory until
 * the call ends (at most the talk limit: 5 min is 9.6 MB), then written under a
 * temporary name and renamed, so no half file is ever read.
 */
const SAMPLES_PER_FRAME = 160;

export class CallRecording {
  private readonly bot = new Map<number, Int16Array>();
  private readonly callee = new Map<number, Int16Array>();
  private last = -1;

  botFrame(slot: number, frame: Int16Array): void {
    this.put(this.bot, slot, frame);
  }

  calleeFrame(slot: number, frame: Int16Array): void {
    this.put(this.callee, slot, frame);
  }

  /** Makes the recording at least this many slots long (silence after the last frame). */
  lastsUntil(slot: number): void {
    if (slot > this.last) this.last = slot;
  }

  /** The interleaved WAV of everything recorded so far. */
  wav(): Buffer {
    const frames = this.last + 1;
    const data = Buffer.alloc(frames * SAMPLES_PER_FRAME * 4);
    for (let slot = 0; slot < frames; slot++) {
      const left = this.bot.get(slot);
      const right = this.callee.get(slot);
      for (let i = 0; i < SAMPLES_PER_FRAME; i++) {
        const at = (slot * SAMPLES_PER_FRAME + i) * 4;
        data.writeInt16LE(left?.[i] ?? 0, at);
        data.writeInt16LE(right?.[i] ?? 0, at + 2);
      }
    }
    return Buffer.concat([wavHeader(data.length), data]);
  }

  async save(file: string): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, this.wav());
    await rename(temporary, file);
  }

  private put(track: Map<number, Int16Array>, slot: number, frame: Int16Array): void {
    if (slot < 0 || frame.length !== SAMPLES_PER_FRAME) return;
    track.set(slot, frame);
    if (slot > this.last) this.last = slot;
  }
}
