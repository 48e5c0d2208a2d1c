import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { failure, openApiCoreClient, popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { mismatchesAgainstTree, referenceAction } from '../helpers/reference.ts';
import { startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

const example = JSON.parse(readFileSync(new URL('../../examples/payment-reminder.json', import.meta.url), 'utf8'));

function shapeOk(action: string, body: unknown): void {
  assert.deepEqual(mismatchesAgainstTree(referenceAction(action).response, body as never), [], `${action} response shape`);
}

describe('the dialog actions', () => {
  let server: ServerProcess;
  let cleanup: () => void;
  let pop: ApiClient;
  let openapi: ApiClient;
  let instanceId: string;
  let scriptId: string;

  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    server = await startServerProcess({ dataDir: data.dir, env: { OUTBOUNDBOT_CLOCK: 'virtual' } });
    pop = popCoreClient(server.url, TEST_KEY);
    openapi = openApiCoreClient(server.url, TEST_KEY);
    instanceId = (await pop.call('CreateInstance', { InstanceName: 'dialog actions', MaxConcurrentConversation: 1, CallingNumber: ['057188880000'] })).Instance.InstanceId;
    scriptId = (await pop.call('CreateScript', { InstanceId: instanceId, ScriptName: 'actions', Industry: 'Finance', Scene: 'Collection' })).Script.ScriptId;
  });

  after(async () => {
    await server.stop();
    cleanup();
  });

  it('intents: create, list with a keyword, describe, modify, delete; names are unique per script', async () => {
    const created = await openapi.call('CreateIntent', { InstanceId: instanceId, ScriptId: scriptId, IntentName: '还款', IntentDescription: 'will pay', Utterances: '["好的","可以"]', Keywords: '["还款"]' });
    shapeOk('CreateIntent', created);
    await pop.call('CreateIntent', { InstanceId: instanceId, ScriptId: scriptId, IntentName: 'Later', Utterances: '["call me later"]' });
    const duplicate = await failure(pop.call('CreateIntent', { InstanceId: instanceId, ScriptId: scriptId, IntentName: 'Later', Utterances: '["x"]' }));
    assert.deepEqual([duplicate.code, duplicate.status], ['Duplicate.Name', 400]);
    const listed = await pop.call('ListIntents', { InstanceId: instanceId, ScriptId: scriptId, Keyword: '还款', PageNumber: 1, PageSize: 10 });
    shapeOk('ListIntents', listed);
    assert.deepEqual(listed.Intents.List.map((i: { IntentName: string }) => i.IntentName), ['还款']);
    assert.equal(listed.Intents.List[0].Utterances, '["好的","可以"]');
    const described = await pop.call('DescribeIntent', { InstanceId: instanceId, ScriptId: scriptId, IntentId: created.IntentId });
    shapeOk('DescribeIntent', described);
    assert.equal(described.Intent.Keywords, '["还款"]');
    await openapi.call('ModifyIntent', { InstanceId: instanceId, ScriptId: scriptId, IntentId: created.IntentId, IntentName: 'Pay', Utterances: '["好的"]' });
    const modified = await pop.call('DescribeIntent', { InstanceId: instanceId, ScriptId: scriptId, IntentId: created.IntentId });
    assert.deepEqual([modified.Intent.IntentName, modified.Intent.Utterances, modified.Intent.Keywords, modified.Intent.IntentDescription], ['Pay', '["好的"]', '["还款"]', 'will pay']);
    const taken = await failure(pop.call('ModifyIntent', { InstanceId: instanceId, ScriptId: scriptId, IntentId: created.IntentId, IntentName: 'Later', Utterances: '[]' }));
    assert.equal(taken.code, 'Duplicate.Name');
    await pop.call('DeleteIntent', { InstanceId: instanceId, ScriptId: scriptId, IntentId: created.IntentId });
    const gone = await failure(pop.call('DescribeIntent', { InstanceId: instanceId, ScriptId: scriptId, IntentId: created.IntentId }));
    assert.deepEqual([gone.code, gone.status], ['NotExist.Intent', 404]);
  });

  it('refuses bad intent input with a 400 naming the parameter', async () => {
    for (const [params, pattern] of [
      [{ Utterances: 'not json' }, /Utterances/],
      [{ Utterances: '[1, 2]' }, /Utterances/],
      [{ Utterances: '[]', Keywords: '["/([/"]' }, /Keywords\.1/],
      [{ Utterances: '[]', Keywords: '["ok", "/(a+)+$/"]' }, /Keywords\.2.*nests repetitions/],
    ] as Array<[Record<string, string>, RegExp]>) {
      const refused = await failure(pop.call('CreateIntent', { InstanceId: instanceId, ScriptId: scriptId, IntentName: 'Bad', ...params }));
      assert.equal(refused.code, 'InvalidParameter');
      assert.match(refused.message, pattern);
    }
    const noScript = await failure(pop.call('ListIntents', { InstanceId: instanceId, ScriptId: 'nope', PageNumber: 1, PageSize: 10 }));
    assert.equal(noScript.code, 'NotExist.Script');
  });

  it('global questions: create, list, describe, modify, delete', async () => {
    const created = await pop.call('CreateGlobalQuestion', { InstanceId: instanceId, ScriptId: scriptId, GlobalQuestionName: 'Who', GlobalQuestionType: 'COMMON', Questions: '["你是谁"]', Answers: '["示例银行"]' });
    shapeOk('CreateGlobalQuestion', created);
    const listed = await openapi.call('ListGlobalQuestions', { InstanceId: instanceId, ScriptId: scriptId, PageNumber: 1, PageSize: 10 });
    shapeOk('ListGlobalQuestions', listed);
    assert.equal(listed.GlobalQuestions.TotalCount, 1);
    const modified = await pop.call('ModifyGlobalQuestion', { InstanceId: instanceId, ScriptId: scriptId, GlobalQuestionId: created.GlobalQuestionId, GlobalQuestionName: 'Who', GlobalQuestionType: 'COMMON', Questions: '["你是谁","who are you"]', Answers: '["Example Bank"]' });
    assert.equal(modified.DialogueQuestionId, created.GlobalQuestionId);
    const described = await pop.call('DescribeGlobalQuestion', { InstanceId: instanceId, ScriptId: scriptId, GlobalQuestionId: created.GlobalQuestionId });
    shapeOk('DescribeGlobalQuestion', described);
    assert.equal(described.GlobalQuestion.Questions, '["你是谁","who are you"]');
    await pop.call('DeleteGlobalQuestion', { InstanceId: instanceId, ScriptId: scriptId, GlobalQuestionId: created.GlobalQuestionId });
    assert.equal((await failure(pop.call('DeleteGlobalQuestion', { InstanceId: instanceId, ScriptId: scriptId, GlobalQuestionId: created.GlobalQuestionId }))).code, 'NotExist.GlobalQuestion');
  });

  async function importExample(client: ApiClient): Promise<string> {
    return (await client.call('ImportScript', { InstanceId: instanceId, SignatureUrl: JSON.stringify(example) })).ScriptId;
  }

  it('ImportScript reads the example file; ExportScript gives it back; DuplicateScript copies it', async () => {
    const imported = await importExample(pop);
    const flows = await pop.call('ListDialogueFlows', { InstanceId: instanceId, ScriptId: imported });
    shapeOk('ListDialogueFlows', flows);
    assert.deepEqual(flows.DialogueFlows.map((f: { DialogueFlowName: string; DialogueFlowType: string }) => [f.DialogueFlowName, f.DialogueFlowType]), [['Main', 'MainFlow']]);
    assert.deepEqual(JSON.parse(flows.DialogueFlows[0].DialogueFlowDefinition), example.dialog.flows[0].definition);

    const exported = await openapi.call('ExportScript', { InstanceId: instanceId, ScriptId: imported });
    shapeOk('ExportScript', exported);
    const url: string = exported.DownloadParams.SignatureUrl;
    assert.ok(url.startsWith('data:application/json;base64,'));
    const file = JSON.parse(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64').toString('utf8'));
    const strip = (content: { flows: object[]; intents: object[]; questions: object[] }) =>
      JSON.parse(JSON.stringify(content, (key, value) => (key === 'id' ? undefined : value)));
    assert.deepEqual(strip(file.dialog), strip(example.dialog));
    assert.equal(file.script.name, 'Payment reminder');

    const reimported = (await pop.call('ImportScript', { InstanceId: instanceId, SignatureUrl: url })).ScriptId;
    assert.equal((await pop.call('ListIntents', { InstanceId: instanceId, ScriptId: reimported, PageNumber: 1, PageSize: 10 })).Intents.TotalCount, 4);

    const copy = (await pop.call('DuplicateScript', { InstanceId: instanceId, SourceScriptId: imported, Name: 'copy' })).ScriptId;
    assert.notEqual(copy, imported);
    const copied = await pop.call('ListIntents', { InstanceId: instanceId, ScriptId: copy, PageNumber: 1, PageSize: 10 });
    assert.equal(copied.Intents.TotalCount, 4);
    const original = await pop.call('ListIntents', { InstanceId: instanceId, ScriptId: imported, PageNumber: 1, PageSize: 10 });
    assert.notEqual(copied.Intents.List[0].IntentId, original.Intents.List[0].IntentId, 'the copy has items of its own');
  });

  it('ImportScript refuses what is not a script file, and a file whose flow is broken', async () => {
    for (const url of ['https://example.com/script.json', '{"format":"other"}', 'data:application/json;base64,bm90IGpzb24=']) {
      const refused = await failure(pop.call('ImportScript', { InstanceId: instanceId, SignatureUrl: url }));
      assert.deepEqual([refused.code, refused.status], ['InvalidParameter', 400], url);
    }
    const broken = structuredClone(example);
    broken.dialog.flows[0].definition.nodes[1].branches[0].next = 'nowhere';
    const refused = await failure(pop.call('ImportScript', { InstanceId: instanceId, SignatureUrl: JSON.stringify(broken) }));
    assert.equal(refused.code, 'InvalidDialogueFlow');
    assert.match(refused.message, /node "ask": branch 1 \("WillPay"\) goes to "nowhere"/);
  });

  it('ListScriptVariables: the contact\'s variables and those the flows declare', async () => {
    const imported = await importExample(pop);
    const draft = await pop.call('ListScriptVariables', { InstanceId: instanceId, ScriptId: imported, Sandbox: true });
    shapeOk('ListScriptVariables', draft);
    assert.deepEqual(draft.Variables.map((v: { Name: string }) => v.Name), ['name', 'honorific', 'phoneNumber', 'referenceId', 'amount']);
  });

  it('RollbackScript makes a published version the draft again', async () => {
    const imported = await importExample(pop);
    await pop.call('PublishScript', { InstanceId: instanceId, ScriptId: imported, Description: 'v1' });
    const v1 = (await pop.call('ListScriptPublishHistories', { InstanceId: instanceId, ScriptId: imported, PageNumber: 1, PageSize: 10 })).ScriptPublishHistories.List[0].ScriptVersion;
    const intents = await pop.call('ListIntents', { InstanceId: instanceId, ScriptId: imported, PageNumber: 1, PageSize: 10 });
    await pop.call('CreateIntent', { InstanceId: instanceId, ScriptId: imported, IntentName: 'Extra', Utterances: '["extra"]' });
    await pop.call('ModifyScript', { InstanceId: instanceId, ScriptId: imported, ScriptName: 'renamed', Industry: 'Finance', Scene: 'Collection' });
    await pop.call('RollbackScript', { InstanceId: instanceId, ScriptId: imported, RollbackVersion: v1 });
    const after = await pop.call('ListIntents', { InstanceId: instanceId, ScriptId: imported, PageNumber: 1, PageSize: 10 });
    assert.deepEqual(after.Intents.List.map((i: { IntentName: string }) => i.IntentName), intents.Intents.List.map((i: { IntentName: string }) => i.IntentName));
    assert.equal((await pop.call('DescribeScript', { InstanceId: instanceId, ScriptId: imported })).Script.ScriptName, 'Payment reminder');
    const missing = await failure(pop.call('RollbackScript', { InstanceId: instanceId, ScriptId: imported, RollbackVersion: '1' }));
    assert.deepEqual([missing.code, missing.status], ['NotExist.ScriptVersion', 404]);
  });

  it('Dialogue: the bot speaks first, then answers each utterance until it hangs up', async () => {
    const imported = await importExample(pop);
    const call = { InstanceId: instanceId, ScriptId: imported, CallId: 'trial-1', CallType: 'Sandbox', CalledNumber: '13800000000', CallingNumber: '057188880000' };
    const opening = await pop.call('Dialogue', { ...call, Utterance: '' });
    shapeOk('Dialogue', opening);
    assert.equal(opening.Feedback.Action, 'Broadcast');
    assert.match(opening.Feedback.Content, /请问您今天能还款吗？$/);
    const unclear = await openapi.call('Dialogue', { ...call, Utterance: '紫色的大象' });
    assert.equal(unclear.Feedback.Content, '抱歉，我没听清。请问您今天能还款吗？');
    const asked = await pop.call('Dialogue', { ...call, Utterance: '你是谁' });
    assert.equal(asked.Feedback.Content, '这里是示例银行的账单提醒服务。 请问您今天能还款吗？');
    const done = await pop.call('Dialogue', { ...call, Utterance: '我已经还了' });
    assert.equal(done.Feedback.Action, 'Hangup');
    assert.equal(done.Feedback.Interruptible, false);
    assert.equal(JSON.parse(done.Feedback.ActionParams).heard.name, 'AlreadyPaid');
    const unpublished = await failure(pop.call('Dialogue', { ...call, CallId: 'trial-2', ScriptId: scriptId, Utterance: 'hi' }));
    assert.equal(unpublished.code, 'InvalidParameter');
  });

  it('the contact block list: save (duplicates kept once), search, page, delete', async () => {
    const saved = await openapi.call('SaveContactBlockList', {
      InstanceId: instanceId,
      ContactBlockListsJson: JSON.stringify([
        { phoneNumber: '13800000001', name: 'A', remark: 'asked', creator: 'ops' },
        { phoneNumber: '13900000002', name: 'B' },
        { phoneNumber: '13800000001' },
      ]),
    });
    shapeOk('SaveContactBlockList', saved);
    assert.equal(saved.AffectedRows, 2);
    const all = await pop.call('GetContactBlockList', { InstanceId: instanceId, PageNumber: 1, PageSize: 10 });
    shapeOk('GetContactBlockList', all);
    assert.equal(all.ContactBlocklistList.TotalCount, 2);
    const found = await pop.call('GetContactBlockList', { InstanceId: instanceId, PageNumber: 1, PageSize: 10, SearchPattern: '1380' });
    assert.deepEqual(found.ContactBlocklistList.List.map((e: { PhoneNumber: string; Name: string; Creator: string }) => [e.PhoneNumber, e.Name, e.Creator]), [['13800000001', 'A', 'ops']]);
    await pop.call('DeleteContactBlockList', { InstanceId: instanceId, ContactBlockListId: found.ContactBlocklistList.List[0].ContactBlockListId });
    assert.equal((await pop.call('GetContactBlockList', { InstanceId: instanceId, PageNumber: 1, PageSize: 10 })).ContactBlocklistList.TotalCount, 1);
    const again = await failure(pop.call('DeleteContactBlockList', { InstanceId: instanceId, ContactBlockListId: found.ContactBlocklistList.List[0].ContactBlockListId }));
    assert.deepEqual([again.code, again.status], ['NotExist.ContactBlockList', 404]);
    for (const bad of ['not json', '[]', '[{"phoneNumber":"call me"}]', '{"phoneNumber":"13800000000"}']) {
      const refused = await failure(pop.call('SaveContactBlockList', { InstanceId: instanceId, ContactBlockListsJson: bad }));
      assert.deepEqual([refused.code, refused.status], ['InvalidParameter', 400], bad);
    }
    const otherInstance = await failure(pop.call('GetContactBlockList', { InstanceId: 'nope', PageNumber: 1, PageSize: 10 }));
    assert.equal(otherInstance.code, 'NotExist.Instance');
  });

  it('dialogue flows: create, refuse a duplicate name and bad JSON, delete', async () => {
    const created = await pop.call('CreateDialogueFlow', { InstanceId: instanceId, ScriptId: scriptId, DialogueName: 'Main', DialogueFlowType: 'MainFlow' });
    shapeOk('CreateDialogueFlow', created);
    assert.equal((await failure(pop.call('CreateDialogueFlow', { InstanceId: instanceId, ScriptId: scriptId, DialogueName: 'Main', DialogueFlowType: 'SubFlow' }))).code, 'Duplicate.Name');
    assert.equal((await failure(pop.call('CreateDialogueFlow', { InstanceId: instanceId, ScriptId: scriptId, DialogueName: 'X', DialogueFlowType: 'Other' }))).code, 'InvalidParameter');
    const badJson = await failure(pop.call('ModifyDialogueFlow', { InstanceId: instanceId, ScriptId: scriptId, DialogueFlowId: created.DialogueFlowId, DialogueFlowDefinition: '{nodes' }));
    assert.match(badJson.message, /DialogueFlowDefinition.*not valid JSON/);
    const saved = await pop.call('ModifyDialogueFlow', { InstanceId: instanceId, ScriptId: scriptId, DialogueFlowId: created.DialogueFlowId, DialogueFlowDefinition: '{"nodes":[{"id":"bye","type":"hangup","text":"Bye"}]}' });
    shapeOk('ModifyDialogueFlow', saved);
    // An empty MainFlow-less publish is refused once flows exist: this one is valid.
    await pop.call('PublishScript', { InstanceId: instanceId, ScriptId: scriptId, Description: 'bye only' });
    await pop.call('DeleteDialogueFlow', { InstanceId: instanceId, ScriptId: scriptId, DialogueFlowId: created.DialogueFlowId });
    assert.equal((await failure(pop.call('DeleteDialogueFlow', { InstanceId: instanceId, ScriptId: scriptId, DialogueFlowId: created.DialogueFlowId }))).code, 'NotExist.DialogueFlow');
  });
});
