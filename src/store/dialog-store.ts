import type { Page, PageRequest, TaskRow } from './rows.ts';

/** One entry of an instance's contact block list. */
export interface BlockedNumberRow {
  id: string;
  instanceId: string;
  /** As the user wrote it, shown in replies. */
  phoneNumber: string;
  /** What it is matched by: its canonical form (src/domain/phone-number.ts matchKey). */
  numberKey: string;
  name: string;
  remark: string;
  creator: string;
  createdAt: number;
}

/** What a script's draft holds: dialogue flows, intents and global questions. */
export type ScriptItemKind = 'flow' | 'intent' | 'question';

/** One draft item of a script; `body` is the item's JSON document (see src/dialog/script-content.ts). */
export interface ScriptItemRow {
  id: string;
  scriptId: string;
  instanceId: string;
  kind: ScriptItemKind;
  name: string;
  body: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** A trial conversation of Dialogue: the content it talks with and where it stands. */
export interface DialogTrialRow {
  instanceId: string;
  scriptId: string;
  callId: string;
  nluEngine: string;
  /** The script content (flows, intents, questions) as of the trial's first turn. */
  content: Record<string, unknown>;
  /** The conversation's place (src/dialog/runtime.ts SessionState). */
  state: Record<string, unknown>;
  variables: Record<string, string>;
  updatedAt: number;
}

/**
 * Persistence for the bot's dialog: a script's draft items (flows, intents, global
 * questions), the frozen versions' reads, stored conversations and the contact block
 * list. A sub-store of Store (`store.dialog`), kept apart so the dialog's rows and
 * queries live in files of their own. Every lookup is scoped by instance: an item of
 * another instance is indistinguishable from an absent one. Every backend passes
 * test/store/dialog-store-contract.ts.
 */
export interface DialogStore {
  // Contact block list.
  /** Which of the number keys (matchKey: E.164) are on the instance's block list (one query, whatever the count). */
  blockedNumbers(instanceId: string, keys: readonly string[]): Promise<Set<string>>;
  /** Adds entries; a number already listed for the instance (the same key) is left as it is. Returns how many were added. */
  addBlockedNumbers(entries: readonly BlockedNumberRow[]): Promise<number>;
  /** The instance's entries, newest first; `search` matches part of the number, name or remark. */
  listBlockedNumbers(instanceId: string, search: string | undefined, page: PageRequest): Promise<Page<BlockedNumberRow>>;
  deleteBlockedNumber(instanceId: string, id: string): Promise<boolean>;

  // A script's draft items.
  /** Inserts an item; false when the script already has an item of that kind and name. */
  insertScriptItem(item: ScriptItemRow): Promise<boolean>;
  findScriptItem(instanceId: string, scriptId: string, kind: ScriptItemKind, id: string): Promise<ScriptItemRow | undefined>;
  /** Items of a kind (all kinds when undefined), oldest first. */
  listScriptItems(instanceId: string, scriptId: string, kind?: ScriptItemKind): Promise<ScriptItemRow[]>;
  /** Updates name and body; false when absent or when the new name is taken by another item. */
  updateScriptItem(item: ScriptItemRow): Promise<boolean>;
  deleteScriptItem(instanceId: string, scriptId: string, kind: ScriptItemKind, id: string): Promise<boolean>;
  /** Replaces every draft item of a script at once (rollback, import, duplicate). */
  replaceScriptItems(instanceId: string, scriptId: string, items: readonly ScriptItemRow[]): Promise<void>;

  // Reads of frozen versions and of what calls said.
  /** A published version's snapshot (what PublishScript froze), if that version exists. */
  findScriptSnapshot(instanceId: string, scriptId: string, version: string): Promise<Record<string, unknown> | undefined>;
  // Trial conversations (Dialogue), kept here so any node can take the next turn.
  findTrial(instanceId: string, scriptId: string, callId: string): Promise<DialogTrialRow | undefined>;
  /** Inserts or replaces the trial of (instance, script, call). */
  saveTrial(trial: DialogTrialRow): Promise<void>;
  /** Forgets trials not spoken to since `before`; returns how many. */
  purgeTrials(before: number): Promise<number>;

  /** The answered tasks of a group, for statistics (not on a hot path). */
  answeredTasks(instanceId: string, jobGroupId: string): Promise<Array<Pick<TaskRow, 'id' | 'endReason' | 'conversation'>>>;
}
