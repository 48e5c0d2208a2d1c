/**
 * The dialogue flow model: what a DialogueFlowDefinition (a JSON document) holds,
 * how it is read and how it is checked. docs/dialog.md is the user's guide to it.
 *
 * A flow is a graph of nodes. Each node may say a text (with `${variable}` filled
 * from the contact and the job's extras) and record business results (Briefs, a
 * Category); then, by type:
 *
 * - `say`      goes on to `next`;
 * - `listen`   waits for the callee and follows the branch of the intent heard, or
 *              of the key pressed (a branch's `dtmf`, RFC 4733 or SIP INFO on a call);
 *              silence and unmatched speech re-prompt up to their `limit`, then
 *              go to their `next` or end the call (NoInteract / Unrecognized);
 * - `hangup`   ends the call (Finished);
 * - `transfer` hands the call to a human and ends the bot's part (Finished).
 *
 * A `next` names a node of the same flow, or `@FlowName` for the start of another
 * flow of the script.
 */

export type NodeType = 'say' | 'listen' | 'hangup' | 'transfer';
export const NODE_TYPES: readonly NodeType[] = ['say', 'listen', 'hangup', 'transfer'];

export interface Retry {
  /** How many times in a row this may happen before giving up (re-prompting each time before that). */
  limit: number;
  /** The re-prompt; the node's own text when absent. */
  text?: string;
  /** Where to go once the limit is passed; the call ends when absent. */
  next?: string;
}

/** A listen node's way on: the intent heard, the key pressed, or either (at least one of them). */
export interface Branch {
  intent?: string;
  /** One key: 0-9, *, #, A-D. */
  dtmf?: string;
  next: string;
}

export const DTMF_KEY = /^[0-9*#A-D]$/;

/** How a branch is named in messages: its intent, else its key. */
export function branchLabel(branch: Branch): string {
  return branch.intent ?? `key ${branch.dtmf}`;
}

export interface FlowNode {
  id: string;
  type: NodeType;
  name?: string;
  text?: string;
  /** Brief key/values recorded when the node is entered. */
  briefs?: Record<string, string>;
  /** A Category recorded when the node is entered. */
  category?: string;
  next?: string;
  branches?: Branch[];
  silence?: Retry;
  noMatch?: Retry;
}

export interface FlowVariable {
  name: string;
  displayName?: string;
  description?: string;
}

export interface FlowDefinition {
  start: string;
  nodes: FlowNode[];
  variables: FlowVariable[];
}

/** Variables every call has, from the contact being called. */
export const BUILTIN_VARIABLES: readonly FlowVariable[] = [
  { name: 'name', displayName: '姓名', description: "The contact's name" },
  { name: 'honorific', displayName: '称呼', description: "The contact's honorific (先生, 女士, Mr. ...)" },
  { name: 'phoneNumber', displayName: '电话号码', description: 'The number being called' },
  { name: 'referenceId', displayName: '客户编号', description: "The contact's reference id" },
];

export const DEFAULT_SILENCE: Retry = { limit: 2 };
export const DEFAULT_NO_MATCH: Retry = { limit: 2 };

const VARIABLE = /\$\{([^}]*)\}/g;
const ID = /^[\p{L}\p{N}_.:-]{1,64}$/u;
const MAX_NODES = 500;
const MAX_TEXT = 2_000;

/** A problem in a flow, naming the node (when there is one) so the author can find it. */
export class FlowError extends Error {
  constructor(
    readonly flow: string,
    readonly node: string | undefined,
    readonly problem: string,
  ) {
    super(node ? `flow "${flow}", node "${node}": ${problem}` : `flow "${flow}": ${problem}`);
    this.name = 'FlowError';
  }
}

/** The variables `${...}` a text uses. */
export function variablesIn(text: string | undefined): string[] {
  if (!text) return [];
  return [...text.matchAll(VARIABLE)].map((match) => match[1]!.trim());
}

/** Fills `${variable}` from the values; an unknown one becomes empty. */
export function fillVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(VARIABLE, (_, name: string) => values[name.trim()] ?? '');
}

/** True when the definition holds no nodes yet (a flow just created). */
export function isEmptyDefinition(raw: unknown): boolean {
  if (raw === undefined || raw === null || raw === '') return true;
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const nodes = (raw as Record<string, unknown>).nodes;
    return nodes === undefined || (Array.isArray(nodes) && nodes.length === 0);
  }
  return false;
}

/**
 * Reads and checks one flow's definition on its own: shapes, unique ids, every
 * `next` and branch naming a node of this flow (or `@Flow`), every node reachable
 * from the start, every `${variable}` known. Throws FlowError naming the node.
 * Intents and `@Flow` targets are checked against the whole script by checkScript.
 */
export function parseFlow(flowName: string, raw: unknown): FlowDefinition {
  const fail = (node: string | undefined, problem: string): never => {
    throw new FlowError(flowName, node, problem);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(undefined, 'the definition must be a JSON object with "nodes"');
  const doc = raw as Record<string, unknown>;
  if (!Array.isArray(doc.nodes)) fail(undefined, '"nodes" must be an array of nodes');
  const rawNodes = doc.nodes as unknown[];
  if (rawNodes.length === 0) fail(undefined, 'the flow has no nodes');
  if (rawNodes.length > MAX_NODES) fail(undefined, `a flow has at most ${MAX_NODES} nodes`);

  const variables: FlowVariable[] = [];
  if (doc.variables !== undefined) {
    if (!Array.isArray(doc.variables)) fail(undefined, '"variables" must be an array');
    for (const [i, v] of (doc.variables as unknown[]).entries()) {
      const entry = typeof v === 'string' ? { name: v } : (v as Record<string, unknown> | null);
      if (!entry || typeof entry.name !== 'string' || !ID.test(entry.name)) fail(undefined, `variables[${i}] needs a "name" of letters, digits, _ . : -`);
      variables.push({
        name: entry!.name as string,
        ...(typeof entry!.displayName === 'string' ? { displayName: entry!.displayName } : {}),
        ...(typeof entry!.description === 'string' ? { description: entry!.description } : {}),
      });
    }
  }
  const known = new Set([...BUILTIN_VARIABLES, ...variables].map((v) => v.name));

  const nodes: FlowNode[] = [];
  const ids = new Set<string>();
  for (const [index, value] of rawNodes.entries()) {
    const label = `#${index + 1}`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(label, 'a node must be a JSON object');
    const n = value as Record<string, unknown>;
    if (typeof n.id !== 'string' || !ID.test(n.id)) fail(label, 'needs an "id" of 1-64 letters, digits, _ . : -');
    const id = n.id as string;
    if (ids.has(id)) fail(id, 'the id is used by another node');
    ids.add(id);
    if (typeof n.type !== 'string' || !NODE_TYPES.includes(n.type as NodeType)) fail(id, `"type" must be one of ${NODE_TYPES.join(', ')}`);
    const node: FlowNode = { id, type: n.type as NodeType };
    if (n.name !== undefined) node.name = text(n.name, id, 'name', fail);
    if (n.text !== undefined) node.text = text(n.text, id, 'text', fail);
    if (n.next !== undefined) node.next = text(n.next, id, 'next', fail);
    if (n.category !== undefined) node.category = text(n.category, id, 'category', fail);
    if (n.briefs !== undefined) {
      if (typeof n.briefs !== 'object' || n.briefs === null || Array.isArray(n.briefs)) fail(id, '"briefs" must be an object of key: value');
      node.briefs = {};
      for (const [key, v] of Object.entries(n.briefs as Record<string, unknown>)) {
        if (!key || key.length > 256) fail(id, 'a Brief key must be 1-256 characters');
        node.briefs[key] = text(typeof v === 'number' || typeof v === 'boolean' ? String(v) : v, id, `briefs.${key}`, fail);
      }
    }
    if (n.branches !== undefined) {
      if (!Array.isArray(n.branches)) fail(id, '"branches" must be an array');
      const keys = new Set<string>();
      node.branches = (n.branches as unknown[]).map((b, i) => {
        const branch = b as Record<string, unknown> | null;
        if (!branch || typeof branch !== 'object') return fail(id, `branch ${i + 1} must be an object with "intent" or "dtmf", and "next"`);
        if (branch.intent !== undefined && (typeof branch.intent !== 'string' || !branch.intent)) fail(id, `branch ${i + 1}: "intent" must be a non-empty string`);
        if (branch.dtmf !== undefined && (typeof branch.dtmf !== 'string' || !DTMF_KEY.test(branch.dtmf))) fail(id, `branch ${i + 1}: "dtmf" must be one key: 0-9, *, #, A-D`);
        if (branch.intent === undefined && branch.dtmf === undefined) fail(id, `branch ${i + 1} needs an "intent" or a "dtmf" key`);
        const parsed: Branch = { ...(branch.intent !== undefined ? { intent: branch.intent as string } : {}), ...(branch.dtmf !== undefined ? { dtmf: branch.dtmf as string } : {}), next: '' };
        if (parsed.dtmf !== undefined) {
          if (keys.has(parsed.dtmf)) fail(id, `branch ${i + 1}: key "${parsed.dtmf}" is taken by an earlier branch`);
          keys.add(parsed.dtmf);
        }
        if (typeof branch.next !== 'string' || !branch.next) fail(id, `branch ${i + 1} ("${branchLabel(parsed)}") needs a "next"`);
        parsed.next = branch.next as string;
        return parsed;
      });
    }
    for (const key of ['silence', 'noMatch'] as const) {
      if (n[key] === undefined) continue;
      const r = n[key] as Record<string, unknown> | null;
      if (typeof r !== 'object' || r === null) fail(id, `"${key}" must be an object with "limit"`);
      const limit = r!.limit ?? 2;
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > 10) fail(id, `"${key}.limit" must be an integer 0-10`);
      node[key] = {
        limit: limit as number,
        ...(r!.text !== undefined ? { text: text(r!.text, id, `${key}.text`, fail) } : {}),
        ...(r!.next !== undefined ? { next: text(r!.next, id, `${key}.next`, fail) } : {}),
      };
    }
    switch (node.type) {
      case 'say':
        if (!node.next) fail(id, 'a say node needs a "next"');
        break;
      case 'listen':
        if (!node.branches || node.branches.length === 0) fail(id, 'a listen node needs at least one branch');
        break;
      case 'hangup':
      case 'transfer':
        if (node.next) fail(id, `a ${node.type} node ends the call and cannot have a "next"`);
        break;
    }
    for (const name of [...variablesIn(node.text), ...variablesIn(node.silence?.text), ...variablesIn(node.noMatch?.text)]) {
      if (!known.has(name)) fail(id, `unknown variable \${${name}}: declare it in "variables" or use one of ${BUILTIN_VARIABLES.map((v) => v.name).join(', ')}`);
    }
    nodes.push(node);
  }

  const start = doc.start === undefined ? nodes[0]!.id : doc.start;
  if (typeof start !== 'string' || !ids.has(start)) fail(undefined, `"start" names no node ("${String(start)}")`);

  // Every target names a node here (or another flow, checked with the script).
  const targets = (node: FlowNode): Array<[string, string]> => [
    ...(node.next ? [['next', node.next] as [string, string]] : []),
    ...(node.branches ?? []).map((b, i): [string, string] => [`branch ${i + 1} ("${branchLabel(b)}")`, b.next]),
    ...(node.silence?.next ? [['silence.next', node.silence.next] as [string, string]] : []),
    ...(node.noMatch?.next ? [['noMatch.next', node.noMatch.next] as [string, string]] : []),
  ];
  for (const node of nodes) {
    for (const [what, target] of targets(node)) {
      if (!target.startsWith('@') && !ids.has(target)) fail(node.id, `${what} goes to "${target}", which is not a node of this flow`);
    }
  }
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const reached = new Set<string>([start as string]);
  const queue = [start as string];
  while (queue.length > 0) {
    for (const [, target] of targets(byId.get(queue.shift()!)!)) {
      if (target.startsWith('@') || reached.has(target)) continue;
      reached.add(target);
      queue.push(target);
    }
  }
  const unreachable = nodes.find((node) => !reached.has(node.id));
  if (unreachable) fail(unreachable.id, `unreachable: no path leads to it from the start node "${String(start)}"`);
  return { start: start as string, nodes, variables };
}

function text(value: unknown, node: string, field: string, fail: (node: string, problem: string) => never): string {
  if (typeof value !== 'string') return fail(node, `"${field}" must be a string`);
  if (value.length > MAX_TEXT) return fail(node, `"${field}" is longer than ${MAX_TEXT} characters`);
  return value;
}
