import { invalidParameter } from '../../domain/errors.ts';
import { defineAction, type ActionDefinition } from '../action.ts';
import { dialogueFlowShape, flowDefinitionText, scriptVariableShape } from '../dialog-shapes.ts';
import { p } from '../params.ts';
import { deleteItemAction } from './script-items.ts';
import { ids, inScript, nameParam } from './common-params.ts';

/** The dialogue flows of a script's draft (docs/dialog.md), and the variables their texts may use. */

const MAX_FLOW_JSON = 1_000_000;

const createDialogueFlow = defineAction({
  name: 'CreateDialogueFlow', summary: 'Adds an empty dialogue flow (MainFlow or SubFlow) to a script\'s draft; ModifyDialogueFlow sets its nodes.',
  params: inScript({
    DialogueName: nameParam('Flow name, unique in the script.').require(),
    DialogueFlowType: p.string({ oneOf: ['MainFlow', 'SubFlow'], description: 'MainFlow (calls start there) or SubFlow (entered by a `@Name` target).' }).require(),
  }),
  async handler({ caller, services }, params) {
    const flow = await services.dialog.createItem(caller.accountId, params.InstanceId, params.ScriptId, 'flow', params.DialogueName, { type: params.DialogueFlowType, definition: {} });
    return { DialogueFlowId: flow.id };
  },
});

const modifyDialogueFlow = defineAction({
  name: 'ModifyDialogueFlow', summary: 'Saves a flow\'s definition (the node graph of docs/dialog.md), checked on save: errors name the node.',
  params: inScript({
    DialogueFlowId: ids.dialogueFlowId(),
    DialogueFlowDefinition: p.text({ maxLength: MAX_FLOW_JSON, description: 'The flow as JSON: {"start", "nodes": [...], "variables"} (docs/dialog.md).' }).require(),
    IsDrafted: p.boolean({ description: 'Accepted for compatibility; every save is a draft until PublishScript.' }),
  }),
  async handler({ caller, services }, params) {
    let definition: unknown;
    try {
      definition = params.DialogueFlowDefinition.trim() === '' ? {} : JSON.parse(params.DialogueFlowDefinition);
    } catch {
      throw invalidParameter('DialogueFlowDefinition', 'not valid JSON');
    }
    const flow = await services.dialog.saveFlowDefinition(caller.accountId, params.InstanceId, params.ScriptId, params.DialogueFlowId, definition);
    return { DialogueFlowId: flow.id, DialogueFlowDefinition: flowDefinitionText(flow) };
  },
});

const listDialogueFlows = defineAction({
  name: 'ListDialogueFlows', summary: 'Lists a script\'s dialogue flows (the draft).',
  params: inScript({}),
  async handler({ caller, services }, params) {
    const script = await services.scripts.require(caller.accountId, params.InstanceId, params.ScriptId);
    const flows = await services.dialog.listItems(caller.accountId, params.InstanceId, params.ScriptId, 'flow');
    return { DialogueFlows: flows.map((flow) => dialogueFlowShape(flow, script.publishedVersion ?? '')) };
  },
});

const deleteDialogueFlow = deleteItemAction({
  name: 'DeleteDialogueFlow', summary: 'Deletes a dialogue flow from the draft; published versions keep theirs.',
  kind: 'flow', params: inScript({ DialogueFlowId: ids.dialogueFlowId() }),
  item: (params) => ({ instanceId: params.InstanceId, scriptId: params.ScriptId, id: params.DialogueFlowId }),
});

const listScriptVariables = defineAction({
  name: 'ListScriptVariables', summary: 'Lists the ${variables} a script\'s texts may use: the contact\'s and those its flows declare.',
  params: inScript({ Sandbox: p.boolean({ description: 'true: the draft; false (default): the published version.' }) }),
  async handler({ caller, services }, params) {
    const variables = await services.dialog.variables(caller.accountId, params.InstanceId, params.ScriptId, params.Sandbox ?? false);
    return { Variables: variables.map(scriptVariableShape) };
  },
});

export const DIALOGUE_FLOW_ACTIONS: readonly ActionDefinition[] = [createDialogueFlow, modifyDialogueFlow, listDialogueFlows, deleteDialogueFlow, listScriptVariables];
