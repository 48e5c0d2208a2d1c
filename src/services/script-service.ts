import { overlay } from '../domain/overlay.ts';
import { contentOf } from '../dialog/script-content.ts';
import { scriptNotFound } from '../domain/errors.ts';
import type { Page, PageRequest, ScriptRow, ScriptSettings, ScriptVersionRow } from '../store/rows.ts';
import type { ScriptFilter } from '../store/store.ts';
import type { InstanceService } from './instance-service.ts';
import { checkContent } from './script-check.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface ScriptInput {
  name: string;
  description?: string;
  industry: string;
  scene: string;
  nluEngine?: string;
  nluAccessType?: string;
  settings: ScriptSettings;
}

/**
 * Scripts have one editable draft and immutable published versions. A version id
 * is the publication time in epoch ms as a string (as the public API reports it),
 * kept strictly increasing per script.
 */
export class ScriptService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly instances: InstanceService,
  ) {}

  async create(accountId: string, instanceId: string, input: ScriptInput): Promise<ScriptRow> {
    await this.instances.require(accountId, instanceId);
    const now = this.deps.clock.now();
    const script: ScriptRow = {
      id: this.deps.ids.next(),
      instanceId,
      name: input.name,
      description: input.description ?? '',
      industry: input.industry,
      scene: input.scene,
      nluEngine: input.nluEngine ?? '',
      nluAccessType: input.nluAccessType ?? '',
      settings: input.settings,
      publishedVersion: undefined,
      isDrafted: true,
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.insertScript(script);
    return script;
  }

  async require(accountId: string, instanceId: string, scriptId: string): Promise<ScriptRow> {
    await this.instances.require(accountId, instanceId);
    return this.requireInInstance(instanceId, scriptId);
  }

  /** For callers that already checked the instance belongs to the account. */
  async requireInInstance(instanceId: string, scriptId: string): Promise<ScriptRow> {
    const script = await this.deps.store.findScript(instanceId, scriptId);
    if (!script) throw scriptNotFound();
    return script;
  }

  async list(accountId: string, instanceId: string, filter: ScriptFilter, page: PageRequest): Promise<Page<ScriptRow>> {
    await this.instances.require(accountId, instanceId);
    return this.deps.store.listScripts(instanceId, filter, page);
  }

  async modify(accountId: string, instanceId: string, scriptId: string, input: Partial<ScriptInput>): Promise<ScriptRow> {
    const current = await this.require(accountId, instanceId, scriptId);
    const updated: ScriptRow = {
      ...current,
      ...overlay(current, input, ['name', 'description', 'industry', 'scene', 'nluAccessType']),
      // The public API does not let a scenario change its NLU mode once created.
      nluEngine: current.nluEngine || input.nluEngine || '',
      settings: { ...current.settings, ...withoutUndefined(input.settings ?? {}) },
      isDrafted: true,
      updatedAt: this.deps.clock.now(),
    };
    await this.deps.store.updateScript(updated);
    return updated;
  }

  async delete(accountId: string, instanceId: string, scriptId: string): Promise<void> {
    await this.instances.require(accountId, instanceId);
    if (!(await this.deps.store.deleteScript(instanceId, scriptId))) throw scriptNotFound();
  }

  async publish(accountId: string, instanceId: string, scriptId: string, description: string): Promise<ScriptVersionRow> {
    const script = await this.require(accountId, instanceId, scriptId);
    const now = this.deps.clock.now();
    const previous = script.publishedVersion ? Number(script.publishedVersion) : 0;
    const { publishedVersion: _published, isDrafted: _drafted, ...fields } = script;
    // The draft's flows, intents and global questions freeze with it, checked first.
    const dialog = contentOf(await this.deps.store.dialog.listScriptItems(instanceId, scriptId));
    checkContent(dialog, script.nluEngine);
    const snapshot = Object.assign(fields, { dialog });
    const version: ScriptVersionRow = {
      scriptId,
      instanceId,
      version: String(Math.max(now, previous + 1)),
      description,
      publishedAt: now,
      snapshot,
    };
    await this.deps.store.publishScript(version);
    return version;
  }

  async listVersions(accountId: string, instanceId: string, scriptId: string, page: PageRequest): Promise<Page<ScriptVersionRow>> {
    await this.require(accountId, instanceId, scriptId);
    return this.deps.store.listScriptVersions(instanceId, scriptId, page);
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
