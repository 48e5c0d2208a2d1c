import { join } from 'node:path';
import type { Tts } from '../../speech/tts/tts.ts';
import type { CallReport } from '../carrier.ts';
import { CallRecording } from '../media/call-recording.ts';

/**
 * The simulated carrier's recordings (OUTBOUNDBOT_SIM_RECORDINGS=on): an answered call's
 * turns spoken through the TTS into the same stereo WAV the SIP carrier writes, the bot's
 * prompts on the left, the persona's lines on the right, each at its turn's time from the
 * answer (on the 20 ms grid), so an emulator user can listen to a simulated call. A line
 * that runs into the next turn is cut there, as a barge-in would; silent turns (no text)
 * leave silence. Written before the call's report, so a finished call has its file.
 */
const FRAME = 160; // 20 ms at 8 kHz
const FRAME_MS = 20;

export class SimulatedRecorder {
  constructor(
    private readonly tts: Tts,
    private readonly recordingsDir: string,
  ) {}

  async record(callId: string, report: CallReport): Promise<void> {
    const answeredAt = report.endedAt - report.talkMs;
    const lastSlot = Math.max(0, Math.ceil(report.talkMs / FRAME_MS) - 1);
    const recording = new CallRecording();
    const turns = report.turns;
    for (let i = 0; i < turns.length; i++) {
      const turn = turns[i]!;
      if (!turn.text) continue;
      const samples = await this.tts.render(turn.text);
      const first = Math.max(0, Math.floor((turn.timestamp - answeredAt) / FRAME_MS));
      const nextTurnAt = turns.slice(i + 1).find((next) => next.timestamp > turn.timestamp)?.timestamp;
      const endSlot = Math.min(lastSlot + 1, nextTurnAt === undefined ? Infinity : Math.floor((nextTurnAt - answeredAt) / FRAME_MS));
      for (let n = 0; first + n < endSlot && n * FRAME < samples.length; n++) {
        const frame = new Int16Array(FRAME);
        frame.set(samples.subarray(n * FRAME, (n + 1) * FRAME));
        if (turn.speaker === 'Robot') recording.botFrame(first + n, frame);
        else recording.calleeFrame(first + n, frame);
      }
    }
    recording.lastsUntil(lastSlot); // the file lasts as long as the call
    await recording.save(join(this.recordingsDir, `${callId}.wav`));
  }
}
