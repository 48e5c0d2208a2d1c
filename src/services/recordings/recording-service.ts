import { ApiError } from '../../domain/errors.ts';
import type { RecordingFiles } from '../../files/recording-files.ts';
import { sliceWav, swapChannels } from '../../telephony/media/wav.ts';
import { DOWNLOAD_URL_TTL_MS, type UploadService } from '../files/upload-service.ts';
import type { InstanceService } from '../instance-service.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { recordingSlices } from './recording-slices.ts';

/**
 * DownloadRecording and the signed URLs it hands out (docs/telephony.md "Recordings").
 * A URL names `recordings/<instance id>/<task id>/[swapped/]<task id>[-<n>].wav` under
 * the download route, signed like the exports' (UploadService), so swapping and slicing
 * are part of what was signed; the file is found from the task the store holds, never
 * from the URL's text alone, and a task deleted since gives nothing.
 */
export const RECORDING_KEY_PREFIX = 'recordings/';
const SWAPPED = 'swapped';

export interface RecordingDownload {
  FileName: string;
  SignatureUrl: string;
  /** The reference's URL of the early media (ringback); this carrier records from the answer, so always empty. */
  EarlyMediaSignatureUrl: string;
  /** With NeedVoiceSliceRecording: JSON `[{"fileName","filePath"}]`, one per turn; otherwise empty. */
  VoiceSliceRecordingListJson: string;
}

export interface RecordingOptions {
  slices: boolean;
  swapChannels: boolean;
}

export class RecordingService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly instances: InstanceService,
    private readonly uploads: UploadService,
    private readonly files: RecordingFiles,
  ) {}

  async download(accountId: string, instanceId: string, taskId: string, options: RecordingOptions): Promise<RecordingDownload> {
    await this.instances.require(accountId, instanceId);
    const task = await this.deps.store.findTask(instanceId, taskId);
    if (!task) throw new ApiError('NotExist.Task');
    if (task.status === 'Executing' || !(await this.files.exists(task.id))) throw new ApiError('NotExist.Recording');
    const expiresAt = this.deps.clock.now() + DOWNLOAD_URL_TTL_MS;
    const folder = `${RECORDING_KEY_PREFIX}${instanceId}/${task.id}/${options.swapChannels ? `${SWAPPED}/` : ''}`;
    const whole = { fileName: `${task.id}.wav`, filePath: await this.uploads.downloadUrl(`${folder}${task.id}.wav`, expiresAt) };
    let sliceList = '';
    if (options.slices) {
      const slices = recordingSlices(task);
      // Turns without times (none recorded) cut nothing: the whole call is the one slice.
      const listed = slices.length === 0 ? [whole] : await Promise.all(slices.map(async ({ index }) => {
        const fileName = `${task.id}-${index}.wav`;
        return { fileName, filePath: await this.uploads.downloadUrl(`${folder}${fileName}`, expiresAt) };
      }));
      sliceList = JSON.stringify(listed);
    }
    return { FileName: whole.fileName, SignatureUrl: whole.filePath, EarlyMediaSignatureUrl: '', VoiceSliceRecordingListJson: sliceList };
  }

  /** The WAV a signed recording URL names, swapped or sliced as signed; AccessDenied or NotExist.File otherwise. */
  async open(key: string, expires: string | undefined, signature: string | undefined): Promise<{ name: string; body: Buffer }> {
    await this.uploads.verifyDownload(key, expires, signature);
    const named = parseKey(key);
    const task = named && (await this.deps.store.findTask(named.instanceId, named.taskId));
    const recording = task && (await this.files.read(task.id));
    if (!named || !task || !recording) throw new ApiError('NotExist.File');
    let body = recording;
    if (named.slice !== undefined) {
      const slice = recordingSlices(task).find((s) => s.index === named.slice);
      if (!slice) throw new ApiError('NotExist.File');
      body = sliceWav(body, slice.fromMs, slice.toMs);
    }
    if (named.swapped) body = swapChannels(body);
    return { name: named.fileName, body };
  }
}

function parseKey(key: string): { instanceId: string; taskId: string; swapped: boolean; slice?: number; fileName: string } | undefined {
  const parts = key.split('/');
  if (parts[0] !== RECORDING_KEY_PREFIX.slice(0, -1) || parts.length < 4 || parts.length > 5) return undefined;
  const [, instanceId, taskId, ...rest] = parts as [string, string, string, ...string[]];
  const swapped = rest.length === 2;
  if (swapped && rest[0] !== SWAPPED) return undefined;
  const fileName = rest[rest.length - 1]!;
  if (fileName === `${taskId}.wav`) return { instanceId, taskId, swapped, fileName };
  const slice = fileName.startsWith(`${taskId}-`) ? /^(\d{1,5})\.wav$/.exec(fileName.slice(taskId.length + 1)) : null;
  return slice ? { instanceId, taskId, swapped, slice: Number(slice[1]), fileName } : undefined;
}
