import { defineAction, type ActionDefinition } from '../action.ts';
import { intentShape } from '../dialog-shapes.ts';
import { p } from '../params.ts';
import { pageShape } from '../shapes.ts';
import { deleteItemAction, describeItemAction } from './script-items.ts';
import { ids, inScript, jsonStringList, listOf, nameParam, pageRequest, requiredPage } from './common-params.ts';

/** The intents of a script's draft: example utterances and keywords (a /regex/ keyword is checked on save). */

const intentParams = () => ({
  IntentName: nameParam('Intent name, unique in the script.').require(),
  IntentDescription: p.text({ maxLength: 1024, description: 'What the intent means.' }),
  Utterances: jsonStringList('JSON array of example utterances.').require(),
  Keywords: jsonStringList('JSON array of keywords; one written /like this/ is a regular expression.', 100_000),
});

const createIntent = defineAction({
  name: 'CreateIntent', summary: 'Adds an intent (example utterances, keywords) to a script\'s draft.',
  params: inScript({ ...intentParams() }),
  async handler({ caller, services }, params) {
    const intent = await services.dialog.createItem(caller.accountId, params.InstanceId, params.ScriptId, 'intent', params.IntentName, {
      description: params.IntentDescription ?? '',
      utterances: listOf('Utterances', params.Utterances),
      keywords: listOf('Keywords', params.Keywords) ?? [],
    });
    return { IntentId: intent.id };
  },
});

const modifyIntent = defineAction({
  name: 'ModifyIntent', summary: 'Changes an intent of a script\'s draft.',
  params: inScript({ IntentId: ids.intentId(), ...intentParams() }),
  async handler({ caller, services }, params) {
    const utterances = listOf('Utterances', params.Utterances);
    const keywords = listOf('Keywords', params.Keywords);
    const intent = await services.dialog.modifyItem(caller.accountId, params.InstanceId, params.ScriptId, 'intent', params.IntentId, {
      name: params.IntentName,
      body: {
        utterances,
        ...(params.IntentDescription !== undefined ? { description: params.IntentDescription } : {}),
        ...(keywords !== undefined ? { keywords } : {}),
      },
    });
    return { IntentId: intent.id };
  },
});

const listIntents = defineAction({
  name: 'ListIntents', summary: 'Lists a script\'s intents (the draft), optionally those whose name, utterances or keywords contain a keyword.',
  params: inScript({
    Keyword: p.string({ maxLength: 256, description: 'Filter: part of the name, an utterance or a keyword.' }),
    ...requiredPage(),
  }),
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    const intents = await services.dialog.pageItems(caller.accountId, params.InstanceId, params.ScriptId, 'intent', page, params.Keyword);
    return { Intents: pageShape(intents, page, intentShape) };
  },
});

const intent = (params: { InstanceId: string; ScriptId: string; IntentId: string }) => ({ instanceId: params.InstanceId, scriptId: params.ScriptId, id: params.IntentId });

const describeIntent = describeItemAction({
  name: 'DescribeIntent', summary: 'Returns one intent of a script\'s draft.',
  kind: 'intent', params: inScript({ IntentId: ids.intentId() }), item: intent, reply: (row) => ({ Intent: intentShape(row) }),
});

const deleteIntent = deleteItemAction({
  name: 'DeleteIntent', summary: 'Deletes an intent from the draft (PublishScript then refuses flows whose branches still name it).',
  kind: 'intent', params: inScript({ IntentId: ids.intentId() }), item: intent,
});

export const INTENT_ACTIONS: readonly ActionDefinition[] = [createIntent, modifyIntent, listIntents, describeIntent, deleteIntent];
