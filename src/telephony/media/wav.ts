/**
 * The call recordings' WAV files: 8 kHz, 16-bit PCM, two channels (bot left, callee right),
 * as src/telephony/media/call-recording.ts writes them, and the two transforms
 * DownloadRecording serves: the channels swapped (SwapChannels) and a stretch of the call
 * cut out (NeedVoiceSliceRecording's per-turn slices). Pure functions over buffers; a file
 * that is not such a WAV is refused with WavFormatError rather than served garbled.
 */
export const SAMPLE_RATE = 8000;
const CHANNELS = 2;
const BYTES_PER_FRAME = CHANNELS * 2; // one 16-bit sample per channel
const HEADER_BYTES = 44;

export class WavFormatError extends Error {}

export function wavHeader(dataBytes: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(CHANNELS, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * BYTES_PER_FRAME, 28);
  header.writeUInt16LE(BYTES_PER_FRAME, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** The interleaved samples of a recording's WAV (walking its chunks, so an extra chunk is skipped). */
export function stereoSamples(wav: Buffer): Buffer {
  if (wav.length < 12 || wav.toString('latin1', 0, 4) !== 'RIFF' || wav.toString('latin1', 8, 12) !== 'WAVE') throw new WavFormatError('not a RIFF WAVE file');
  let format: Buffer | undefined;
  for (let at = 12; at + 8 <= wav.length; ) {
    const id = wav.toString('latin1', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    const body = wav.subarray(at + 8, Math.min(wav.length, at + 8 + size));
    if (id === 'fmt ') format = body;
    if (id === 'data') {
      if (!format || format.length < 16) throw new WavFormatError('the data chunk comes before a fmt chunk');
      const [codec, channels, rate, bits] = [format.readUInt16LE(0), format.readUInt16LE(2), format.readUInt32LE(4), format.readUInt16LE(14)];
      if (codec !== 1 || channels !== CHANNELS || rate !== SAMPLE_RATE || bits !== 16) throw new WavFormatError('not 8 kHz 16-bit stereo PCM');
      return body.subarray(0, body.length - (body.length % BYTES_PER_FRAME));
    }
    at += 8 + size + (size % 2); // chunks are padded to even sizes
  }
  throw new WavFormatError('no data chunk');
}

/** The same recording with left and right exchanged (callee left, bot right). */
export function swapChannels(wav: Buffer): Buffer {
  const samples = stereoSamples(wav);
  const swapped = Buffer.alloc(samples.length);
  for (let at = 0; at < samples.length; at += BYTES_PER_FRAME) {
    samples.copy(swapped, at, at + 2, at + 4);
    samples.copy(swapped, at + 2, at, at + 2);
  }
  return Buffer.concat([wavHeader(swapped.length), swapped]);
}

/** The stretch [fromMs, toMs) of the recording, clamped to its length (empty when outside it). */
export function sliceWav(wav: Buffer, fromMs: number, toMs: number): Buffer {
  const samples = stereoSamples(wav);
  const frames = samples.length / BYTES_PER_FRAME;
  const frameAt = (ms: number) => Math.min(frames, Math.max(0, Math.round((ms * SAMPLE_RATE) / 1000)));
  const [from, to] = [frameAt(fromMs), Math.max(frameAt(fromMs), frameAt(toMs))];
  const slice = samples.subarray(from * BYTES_PER_FRAME, to * BYTES_PER_FRAME);
  return Buffer.concat([wavHeader(slice.length), slice]);
}
