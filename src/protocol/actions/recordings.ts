import { defineAction, type ActionDefinition } from '../action.ts';
import { p } from '../params.ts';
import { inInstance } from './common-params.ts';

/**
 * Call recordings (docs/telephony.md "Recordings"): DownloadRecording answers signed,
 * expiring URLs served by this server's download route, like the exports'.
 */

const downloadRecording = defineAction({
  name: 'DownloadRecording', summary: 'Returns a signed, expiring URL of an answered call\'s stereo WAV recording (bot left, callee right), and per-turn slices on request.',
  params: inInstance({
    TaskId: p.string({ maxLength: 64, description: 'The call (task) whose recording to download.' }).require(),
    NeedVoiceSliceRecording: p.boolean({ description: 'Also list one slice per conversation turn (VoiceSliceRecordingListJson).' }),
    SwapChannels: p.boolean({ description: 'Serve the callee on the left and the bot on the right (default false: bot left).' }),
  }),
  async handler({ caller, services }, params) {
    const download = await services.recordings.download(caller.accountId, params.InstanceId, params.TaskId, {
      slices: params.NeedVoiceSliceRecording ?? false,
      swapChannels: params.SwapChannels ?? false,
    });
    return { DownloadParams: download };
  },
});

export const RECORDING_ACTIONS: readonly ActionDefinition[] = [downloadRecording];
