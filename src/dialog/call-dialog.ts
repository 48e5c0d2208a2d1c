import type { JobGroupRow, JobRow } from '../store/rows.ts';
import type { Store } from '../store/store.ts';
import type { Nlu } from './nlu.ts';
import { nluFor } from './nlu-engines.ts';
import { compileScript, contentOfSnapshot, hasRunnableFlow, type CompiledScript } from './script-content.ts';

/** What an answered call needs to talk: the frozen script its job runs, and the NLU its engine selects. */
export interface CallDialog {
  script: CompiledScript;
  nlu: Nlu;
}

/** Compiled versions per store; a version never changes once published, so entries never go stale. */
const compiled = new WeakMap<Store, Map<string, CompiledScript | null>>();
const MAX_CACHED = 256;

/**
 * The dialog of a job's next call: the version of the group's script that was
 * published when the job was assigned (job.scriptVersion), so editing or publishing
 * the draft never changes calls of jobs already assigned. Undefined when the job has
 * no version or the version has no flow: the call keeps the minimal conversation.
 */
export async function callDialogFor(store: Store, job: Pick<JobRow, 'scriptVersion'>, group: Pick<JobGroupRow, 'instanceId' | 'scriptId'>): Promise<CallDialog | undefined> {
  if (!group.scriptId || !job.scriptVersion) return undefined;
  let cache = compiled.get(store);
  if (!cache) compiled.set(store, (cache = new Map()));
  const key = `${group.instanceId}/${group.scriptId}/${job.scriptVersion}`;
  let script = cache.get(key);
  if (script === undefined) {
    script = null;
    const snapshot = await store.dialog.findScriptSnapshot(group.instanceId, group.scriptId, job.scriptVersion);
    const content = contentOfSnapshot(snapshot);
    if (content && hasRunnableFlow(content)) {
      try {
        script = compileScript(content, String(snapshot?.nluEngine ?? ''));
      } catch {
        script = null; // published before validation existed: keep the minimal conversation
      }
    }
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, script);
  }
  return script ? { script, nlu: nluFor(script.nluEngine) } : undefined;
}
