import type { ScriptItemRow, ScriptItemKind } from '../../store/dialog-store.ts';
import { defineAction, type ActionReply } from '../action.ts';
import type { DialogService } from '../../services/dialog-service.ts';
import type { Decoded, ParamSpecs } from '../params.ts';

/**
 * Describe and Delete of a draft item (a flow, an intent, a global question) differ
 * only in the kind, the id parameter and the reply's field: written once here.
 */
interface ItemAction<S extends ParamSpecs> {
  name: string;
  summary: string;
  kind: ScriptItemKind;
  params: S;
  /** The item's id and its script's, as the parameters name them. */
  item: (params: Decoded<S>) => { instanceId: string; scriptId: string; id: string };
}

type ItemWhere = { accountId: string; instanceId: string; scriptId: string; kind: ScriptItemKind; id: string };

function itemAction<S extends ParamSpecs, R extends ActionReply>(spec: ItemAction<S>, run: (dialog: DialogService, where: ItemWhere) => Promise<R>) {
  return defineAction({
    name: spec.name,
    summary: spec.summary,
    params: spec.params,
    handler: ({ caller, services }, params) => run(services.dialog, { accountId: caller.accountId, kind: spec.kind, ...spec.item(params) }),
  });
}

export function describeItemAction<S extends ParamSpecs, R extends ActionReply>(spec: ItemAction<S> & { reply: (item: ScriptItemRow) => R }) {
  return itemAction(spec, async (dialog, w) => spec.reply(await dialog.requireItem(w.accountId, w.instanceId, w.scriptId, w.kind, w.id)));
}

export function deleteItemAction<S extends ParamSpecs>(spec: ItemAction<S>) {
  return itemAction(spec, async (dialog, w) => {
    await dialog.deleteItem(w.accountId, w.instanceId, w.scriptId, w.kind, w.id);
    return {};
  });
}
