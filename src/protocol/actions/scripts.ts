import { z } from 'zod';
import type { ScriptSettings } from '../../store/rows.ts';
import { defineAction, type ActionDefinition } from '../action.ts';
import { p, type Decoded } from '../params.ts';
import { pageShape, scriptListItemShape, scriptShape, scriptSummaryShape, scriptVersionShape } from '../shapes.ts';
import { descriptionParam, inInstance, inScript, nameParam, pageRequest, requiredPage } from './common-params.ts';

const nluProfileSchema = z.object({
  fcFunction: z.string().max(256).optional(),
  fcHttpTriggerUrl: z.string().max(1024).optional(),
  fcRegion: z.string().max(64).optional(),
  supportBeebotPrompts: z.boolean().optional(),
});

/** What names a script, required by CreateScript and ModifyScript alike. */
const identityParams = () => ({
  ScriptName: nameParam('Script name.').require(),
  Industry: p.string({ maxLength: 128, description: 'Industry.' }).require(),
  Scene: p.string({ maxLength: 128, description: 'Scenario.' }).require(),
});

/** Settings both CreateScript and ModifyScript accept and store as given. */
const settingParams = {
  AgentId: p.integer({ min: 0, description: 'Robot workspace ID.' }),
  AgentKey: p.string({ maxLength: 256, description: 'Robot workspace key.' }),
  AgentLlm: p.boolean({ description: 'Whether the workspace is an LLM workspace.' }),
  AsrConfig: p.text({ maxLength: 8192, description: 'ASR configuration (JSON text).' }),
  TtsConfig: p.text({ maxLength: 8192, description: 'TTS configuration (JSON text).' }),
  ChatbotId: p.string({ maxLength: 128, description: 'Chatbot ID.' }),
  EmotionEnable: p.boolean({ description: 'Emotion detection switch.' }),
  LongWaitEnable: p.boolean({ description: 'Intelligent sentence segmentation switch.' }),
  MiniPlaybackEnable: p.boolean({ description: 'Transition phrase switch.' }),
  NewBargeInEnable: p.boolean({ description: 'Graceful barge-in switch.' }),
  NluAccessType: p.string({ maxLength: 64, description: 'NLU access method (LLM scenarios).' }),
  ScriptDescription: descriptionParam('Script description.'),
  ScriptContent: p.stringArray({ maxItems: 100, description: 'Notification script texts (deprecated).' }),
  ScriptWaveform: p.stringArray({ maxItems: 100, description: 'Notification script voices (deprecated).' }),
};

type ScriptParams = Decoded<typeof settingParams> & Decoded<ReturnType<typeof identityParams>> & { NluEngine?: string };

/** The script's own fields, as the service takes them. */
function scriptInputOf(params: ScriptParams) {
  return {
    name: params.ScriptName,
    description: params.ScriptDescription,
    industry: params.Industry,
    scene: params.Scene,
    nluEngine: params.NluEngine,
    nluAccessType: params.NluAccessType,
  };
}

function settingsOf(params: Decoded<typeof settingParams>): ScriptSettings {
  return {
    agentId: params.AgentId,
    agentKey: params.AgentKey,
    agentLlm: params.AgentLlm,
    asrConfig: params.AsrConfig,
    ttsConfig: params.TtsConfig,
    chatbotId: params.ChatbotId,
    emotionEnable: params.EmotionEnable,
    longWaitEnable: params.LongWaitEnable,
    miniPlaybackEnable: params.MiniPlaybackEnable,
    newBargeInEnable: params.NewBargeInEnable,
    scriptContent: params.ScriptContent,
    scriptWaveform: params.ScriptWaveform,
  };
}

const createScript = defineAction({
  name: 'CreateScript', summary: 'Creates a script (scenario) as a draft.',
  params: inInstance({
    ...identityParams(),
    NluEngine: p.string({ maxLength: 64, description: 'NLU engine (e.g. Prompts); fixed once created.' }),
    ScriptNluProfileJsonString: p.json(nluProfileSchema, { description: 'NLU profile (JSON); set at creation only.' }),
    ...settingParams,
  }),
  async handler({ caller, services }, params) {
    const script = await services.scripts.create(caller.accountId, params.InstanceId, {
      ...scriptInputOf(params),
      settings: { ...settingsOf(params), nluProfile: params.ScriptNluProfileJsonString },
    });
    return { Script: scriptSummaryShape(script) };
  },
});

const describeScript = defineAction({
  name: 'DescribeScript', summary: 'Returns a script\'s draft settings and status.',
  params: inScript({}),
  async handler({ caller, services }, params) {
    const script = await services.scripts.require(caller.accountId, params.InstanceId, params.ScriptId);
    return { Script: scriptShape(script), NlsConfig: script.settings.nlsConfig ?? '' };
  },
});

const listScripts = defineAction({
  name: 'ListScripts', summary: 'Lists an instance\'s scripts.',
  params: inInstance({
    ScriptName: nameParam('Filter: part of the script name.'),
    NluEngine: p.string({ maxLength: 64, description: 'Filter: NLU engine.' }),
    ...requiredPage(),
  }),
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    const result = await services.scripts.list(caller.accountId, params.InstanceId, { name: params.ScriptName, nluEngine: params.NluEngine }, page);
    return { Scripts: pageShape(result, page, scriptListItemShape) };
  },
});

const modifyScript = defineAction({
  name: 'ModifyScript', summary: 'Modifies a script\'s draft; published versions are unchanged.',
  params: inScript({
    ...identityParams(),
    NluEngine: p.string({ maxLength: 64, description: 'NLU engine; ignored once set, as in the public API.' }),
    ChatConfig: p.text({ maxLength: 8192, description: 'Call configuration (JSON text).' }),
    LabelConfig: p.text({ maxLength: 8192, description: 'Label configuration.' }),
    NlsConfig: p.text({ maxLength: 8192, description: 'Deprecated; stored as given.' }),
    MiniPlaybackConfigListJsonString: p.text({ maxLength: 8192, description: 'Deprecated; accepted and ignored.' }),
    ...settingParams,
  }),
  async handler({ caller, services }, params) {
    const script = await services.scripts.modify(caller.accountId, params.InstanceId, params.ScriptId, {
      ...scriptInputOf(params),
      settings: {
        ...settingsOf(params),
        chatConfig: params.ChatConfig,
        labelConfig: params.LabelConfig,
        nlsConfig: params.NlsConfig,
      },
    });
    return { Script: scriptSummaryShape(script) };
  },
});

const deleteScript = defineAction({
  name: 'DeleteScript', summary: 'Deletes a script and its versions.',
  params: inScript({}),
  async handler({ caller, services }, params) {
    await services.scripts.delete(caller.accountId, params.InstanceId, params.ScriptId);
    return {};
  },
});

const publishScript = defineAction({
  name: 'PublishScript', summary: 'Freezes the script\'s draft into a new immutable version.',
  params: inScript({
    Description: p.string({ maxLength: 1024, description: 'What this version changes.' }).require(),
  }),
  async handler({ caller, services }, params) {
    await services.scripts.publish(caller.accountId, params.InstanceId, params.ScriptId, params.Description);
    return {};
  },
});

const listScriptPublishHistories = defineAction({
  name: 'ListScriptPublishHistories', summary: 'Lists a script\'s published versions, newest first.',
  params: inScript({
    ...requiredPage(),
  }),
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    const result = await services.scripts.listVersions(caller.accountId, params.InstanceId, params.ScriptId, page);
    return { ScriptPublishHistories: pageShape(result, page, scriptVersionShape) };
  },
});

export const SCRIPT_ACTIONS: readonly ActionDefinition[] = [createScript, describeScript, listScripts, modifyScript, deleteScript, publishScript, listScriptPublishHistories];
