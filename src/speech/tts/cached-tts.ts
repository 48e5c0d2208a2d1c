import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tts } from './tts.ts';

/**
 * Rendered prompts kept under the data dir, keyed by engine, voice and text: a script's
 * prompts are the same on every call (variables aside), and rendering takes far longer
 * than reading a file. Renders of one key in flight at once are shared. A file is
 * written under a temporary name and renamed, so a crash never leaves half a prompt.
 */
export class CachedTts implements Tts {
  private readonly pending = new Map<string, Promise<Int16Array>>();

  constructor(
    private readonly engine: Tts,
    private readonly engineName: string,
    private readonly directory: string,
  ) {}

  render(text: string, voice?: string): Promise<Int16Array> {
    const key = createHash('sha256').update(`${this.engineName}\n${voice ?? ''}\n${text}`).digest('hex');
    let render = this.pending.get(key);
    if (!render) {
      render = this.load(key, text, voice).finally(() => this.pending.delete(key));
      this.pending.set(key, render);
    }
    return render;
  }

  private async load(key: string, text: string, voice: string | undefined): Promise<Int16Array> {
    const file = join(this.directory, `${key}.s16`);
    try {
      const bytes = await readFile(file);
      return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1).slice();
    } catch {
      // not cached yet
    }
    const samples = await this.engine.render(text, voice);
    await mkdir(this.directory, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
    await rename(temporary, file);
    return samples;
  }
}
