import { defineAction, type ActionDefinition } from '../action.ts';
import { globalQuestionShape } from '../dialog-shapes.ts';
import { p } from '../params.ts';
import { pageShape } from '../shapes.ts';
import { deleteItemAction, describeItemAction } from './script-items.ts';
import { ids, inScript, jsonStringList, listOf, nameParam, pageRequest, requiredPage } from './common-params.ts';

/** The global questions of a script's draft: answered at any listen node, which then asks again. */

const questionParams = () => ({
  GlobalQuestionName: nameParam('Name, unique in the script.').require(),
  GlobalQuestionType: p.string({ maxLength: 64, description: 'COMMON or SYSTEM (stored as given).' }).require(),
  Questions: jsonStringList('JSON array of the questions that trigger it.').require(),
  Answers: jsonStringList('JSON array of answers; the first is spoken.').require(),
});

function questionBody(params: { GlobalQuestionType: string; Questions: string; Answers: string }) {
  return { type: params.GlobalQuestionType, questions: listOf('Questions', params.Questions), answers: listOf('Answers', params.Answers) };
}

const createGlobalQuestion = defineAction({
  name: 'CreateGlobalQuestion', summary: 'Adds a global question: answered at any listen node, which then asks again.',
  params: inScript({ ...questionParams() }),
  async handler({ caller, services }, params) {
    const question = await services.dialog.createItem(caller.accountId, params.InstanceId, params.ScriptId, 'question', params.GlobalQuestionName, questionBody(params));
    return { GlobalQuestionId: question.id };
  },
});

const modifyGlobalQuestion = defineAction({
  name: 'ModifyGlobalQuestion', summary: 'Changes a global question of a script\'s draft.',
  params: inScript({ GlobalQuestionId: ids.globalQuestionId(), ...questionParams() }),
  async handler({ caller, services }, params) {
    const question = await services.dialog.modifyItem(caller.accountId, params.InstanceId, params.ScriptId, 'question', params.GlobalQuestionId, {
      name: params.GlobalQuestionName,
      body: questionBody(params),
    });
    return { DialogueQuestionId: question.id };
  },
});

const listGlobalQuestions = defineAction({
  name: 'ListGlobalQuestions', summary: 'Lists a script\'s global questions (the draft).',
  params: inScript({ ...requiredPage() }),
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    const questions = await services.dialog.pageItems(caller.accountId, params.InstanceId, params.ScriptId, 'question', page);
    return { GlobalQuestions: pageShape(questions, page, globalQuestionShape) };
  },
});

const question = (params: { InstanceId: string; ScriptId: string; GlobalQuestionId: string }) => ({ instanceId: params.InstanceId, scriptId: params.ScriptId, id: params.GlobalQuestionId });

const describeGlobalQuestion = describeItemAction({
  name: 'DescribeGlobalQuestion', summary: 'Returns one global question of a script\'s draft.',
  kind: 'question', params: inScript({ GlobalQuestionId: ids.globalQuestionId() }), item: question, reply: (row) => ({ GlobalQuestion: globalQuestionShape(row) }),
});

const deleteGlobalQuestion = deleteItemAction({
  name: 'DeleteGlobalQuestion', summary: 'Deletes a global question from the draft.',
  kind: 'question', params: inScript({ GlobalQuestionId: ids.globalQuestionId() }), item: question,
});

export const GLOBAL_QUESTION_ACTIONS: readonly ActionDefinition[] = [createGlobalQuestion, modifyGlobalQuestion, listGlobalQuestions, describeGlobalQuestion, deleteGlobalQuestion];
