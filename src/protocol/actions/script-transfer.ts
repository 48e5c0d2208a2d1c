import { defineAction, type ActionDefinition } from '../action.ts';
import { p } from '../params.ts';
import { ids, inInstance, inScript, nameParam } from './common-params.ts';

/** Whole scripts moved as one: export to a portable file, import it, duplicate, roll back to a published version. */

const exportScript = defineAction({
  name: 'ExportScript', summary: 'Exports a script\'s draft (settings, flows, intents, global questions) as one portable JSON file, returned as a data: URL.',
  params: inScript({}),
  async handler({ caller, services }, params) {
    return { DownloadParams: { SignatureUrl: await services.dialog.exportScriptUrl(caller.accountId, params.InstanceId, params.ScriptId) } };
  },
});

const importScript = defineAction({
  name: 'ImportScript', summary: 'Creates a script from a file ExportScript wrote (its data: URL, or the file\'s JSON itself); flows are checked first.',
  params: inInstance({
    SignatureUrl: p.text({ maxLength: 1_500_000, description: 'The data: URL ExportScript returned, or the script file\'s JSON.' }).require(),
    NluEngine: p.string({ maxLength: 64, description: 'NLU engine of the new script (the file\'s when absent).' }),
  }),
  async handler({ caller, services }, params) {
    const script = await services.dialog.importScriptUrl(caller.accountId, params.InstanceId, params.SignatureUrl, params.NluEngine);
    return { ScriptId: script.id };
  },
});

const duplicateScript = defineAction({
  name: 'DuplicateScript', summary: 'Copies a script\'s draft (settings and content) into a new, unpublished script.',
  params: inInstance({ SourceScriptId: ids.scriptId(), Name: nameParam('Name of the copy.').require() }),
  async handler({ caller, services }, params) {
    const script = await services.dialog.duplicateScript(caller.accountId, params.InstanceId, params.SourceScriptId, params.Name);
    return { ScriptId: script.id };
  },
});

const rollbackScript = defineAction({
  name: 'RollbackScript', summary: 'Makes a published version the draft again; PublishScript then makes it a new version. Running groups are unaffected.',
  params: inScript({ RollbackVersion: p.string({ maxLength: 64, description: 'A version from ListScriptPublishHistories.' }).require() }),
  async handler({ caller, services }, params) {
    await services.dialog.rollbackScript(caller.accountId, params.InstanceId, params.ScriptId, params.RollbackVersion);
    return {};
  },
});

export const SCRIPT_TRANSFER_ACTIONS: readonly ActionDefinition[] = [exportScript, importScript, duplicateScript, rollbackScript];
