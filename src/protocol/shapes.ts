import type { InstanceRow, JobGroupView, ScriptRow, ScriptVersionRow, Strategy } from '../store/rows.ts';

/**
 * Stored rows as the public API shapes them (PascalCase, times as epoch-ms numbers
 * except ModifyTime, which the API returns as a string). Field names and JSON types
 * follow reference/; test/api checks them against it.
 */

export function instanceShape(instance: InstanceRow) {
  return {
    InstanceId: instance.id,
    InstanceName: instance.name,
    InstanceDescription: instance.description,
    MaxConcurrentConversation: instance.maxConcurrentConversation,
    CreationTime: instance.createdAt,
    CreatorId: instance.creatorId,
    CreatorName: instance.creatorName,
    OwnerName: instance.ownerName,
    ResourceGroupId: instance.resourceGroupId,
    NluServiceType: instance.nluServiceType,
    CallingNumbers: instance.callingNumbers,
  };
}

export function instanceListShape(instance: InstanceRow) {
  return { ...instanceShape(instance), IsPreset: false, ResourceTags: [] as Array<{ Key: string; Value: string }> };
}

/** Status as the console shows it: PUBLISHED once any version exists. */
function scriptStatus(script: ScriptRow): string {
  return script.publishedVersion ? 'PUBLISHED' : 'DRAFTED';
}

export function scriptSummaryShape(script: ScriptRow) {
  return {
    ScriptId: script.id,
    ScriptName: script.name,
    ScriptDescription: script.description,
    Industry: script.industry,
    Scene: script.scene,
    Status: scriptStatus(script),
    DebugStatus: scriptStatus(script),
    IsDrafted: script.isDrafted,
    IsDebugDrafted: script.isDrafted,
    NluEngine: script.nluEngine,
    NluAccessType: script.nluAccessType,
    UpdateTime: script.updatedAt,
  };
}

function nluProfileShape(script: ScriptRow) {
  const profile = script.settings.nluProfile ?? {};
  return {
    FcFunction: profile.fcFunction ?? '',
    FcHttpTriggerUrl: profile.fcHttpTriggerUrl ?? '',
    FcRegion: profile.fcRegion ?? '',
    SupportBeebotPrompts: profile.supportBeebotPrompts ?? false,
  };
}

export function scriptShape(script: ScriptRow) {
  const s = script.settings;
  return {
    ...scriptSummaryShape(script),
    AgentId: s.agentId ?? 0,
    AgentKey: s.agentKey ?? '',
    AgentLlm: s.agentLlm ?? false,
    AsrConfig: s.asrConfig ?? '',
    TtsConfig: s.ttsConfig ?? '',
    ChatConfig: s.chatConfig ?? '',
    LabelConfig: s.labelConfig ?? '',
    ChatbotId: s.chatbotId ?? '',
    EmotionEnable: s.emotionEnable ?? false,
    LongWaitEnable: s.longWaitEnable ?? false,
    MiniPlaybackEnable: s.miniPlaybackEnable ?? false,
    NewBargeInEnable: s.newBargeInEnable ?? false,
    NluProfile: nluProfileShape(script),
  };
}

export function scriptListItemShape(script: ScriptRow) {
  const full = scriptShape(script);
  const { ChatbotId, AgentId, ...rest } = full;
  return { ...rest, ChatBotId: ChatbotId, agentId: AgentId, CreateTime: script.createdAt, IsPreset: false, RejectReason: '' };
}

export function scriptVersionShape(version: ScriptVersionRow) {
  return {
    ScriptId: version.scriptId,
    InstanceId: version.instanceId,
    ScriptVersion: version.version,
    Description: version.description,
    PublishTime: version.publishedAt,
  };
}

export function strategyShape(strategy: Strategy) {
  return {
    StrategyId: strategy.id,
    StrategyName: strategy.name,
    StrategyDescription: strategy.description,
    Type: strategy.repeatBy === 'Once' ? 'Once' : 'Repeatable',
    MaxAttemptsPerDay: strategy.maxAttemptsPerDay,
    MinAttemptInterval: strategy.minAttemptInterval,
    RoutingStrategy: strategy.routingStrategy,
    RepeatBy: strategy.repeatBy,
    Repeatable: strategy.repeatable,
    RepeatDays: strategy.repeatDays.map(String),
    WorkingTime: strategy.workingTime.map((w) => ({ BeginTime: w.beginTime, EndTime: w.endTime })),
    StartTime: strategy.startTime,
    EndTime: strategy.endTime,
    FollowUpStrategy: 'NONE',
    Customized: strategy.customized,
    IsTemplate: false,
  };
}

function exportProgressShape(view: JobGroupView) {
  // No export yet: an empty status, no file and nothing done.
  const latest = view.latestExport;
  return { Status: latest?.status ?? '', Progress: latest?.progress ?? '0', FileHttpUrl: latest?.fileHttpUrl ?? '' };
}

/** Duration of the group's run so far: from its first attempt to its end, or to `now` while running. */
function runDuration(view: JobGroupView, now: number): number {
  const { startTime, endTime } = view.counters;
  if (!startTime) return 0;
  return Math.max(0, (endTime || now) - startTime);
}

/** GetJobGroup / DescribeJobGroup, field for field as the seed page. */
export function jobGroupShape(view: JobGroupView, now: number) {
  const { group, counters } = view;
  return {
    JobGroupId: group.id,
    JobGroupName: group.name,
    JobGroupDescription: group.description,
    Status: group.status,
    CreationTime: group.createdAt,
    ModifyTime: String(group.modifiedAt),
    ScriptId: group.scriptId,
    ScenarioId: group.scenarioId,
    ScriptName: view.scriptName,
    ScriptVersion: view.scriptVersion,
    ScriptNluEngine: view.scriptNluEngine,
    JobFilePath: group.jobFilePath,
    JobDataParsingTaskId: group.jobDataParsingTaskId,
    CallingNumbers: group.callingNumbers,
    RecallCallingNumbers: group.recallCallingNumbers,
    ExportProgress: exportProgressShape(view),
    Progress: {
      Status: group.status,
      TotalJobs: counters.totalJobs,
      Scheduling: counters.scheduling,
      Executing: counters.executing,
      TotalCompleted: counters.completed,
      Failed: counters.failed,
      Paused: counters.paused,
      Cancelled: counters.cancelled,
      TotalNotAnswered: counters.notAnswered,
      StartTime: counters.startTime,
      Duration: runDuration(view, now),
      Briefs: view.briefs.map((b) => ({ Key: b.key, Value: b.value })),
      Categories: view.categories.map((c) => ({ Key: c.key, Value: String(c.count) })),
    },
    Strategy: strategyShape(group.strategy),
    RecallStrategy: {
      EmptyNumberIgnore: group.recallStrategy.emptyNumberIgnore,
      InArrearsIgnore: group.recallStrategy.inArrearsIgnore,
      OutOfServiceIgnore: group.recallStrategy.outOfServiceIgnore,
    },
    Result: {
      FinishedNum: counters.finishedNum,
      ClientHangupNum: counters.clientHangupNum,
      NoInteractNum: counters.noInteractNum,
      TimeoutHangupNum: counters.timeoutHangupNum,
      UnrecognizedNum: counters.unrecognizedNum,
    },
    RingingDuration: group.ringingDuration,
    Priority: group.priority,
    MinConcurrency: group.minConcurrency,
    FlashSmsExtras: {
      ConfigId: group.flashSmsExtras?.configId ?? '',
      TemplateId: group.flashSmsExtras?.templateId ?? '',
    },
  };
}

/** ListJobGroups items: a lighter shape with the API's own counter names. */
export function jobGroupListItemShape(view: JobGroupView, now: number) {
  const { group, counters } = view;
  return {
    JobGroupId: group.id,
    JobGroupName: group.name,
    JobGroupDescription: group.description,
    Status: group.status,
    CreationTime: group.createdAt,
    ModifyTime: String(group.modifiedAt),
    ScriptId: group.scriptId,
    ScriptName: view.scriptName,
    ScriptVersion: view.scriptVersion,
    JobDataParsingTaskId: group.jobDataParsingTaskId,
    MinConcurrency: group.minConcurrency,
    TotalCallNum: counters.totalCalls,
    ExportProgress: exportProgressShape(view),
    Progress: {
      Status: group.status,
      TotalJobs: counters.totalJobs,
      Scheduling: counters.scheduling,
      ExecutingNum: counters.executing,
      TotalCompleted: counters.completed,
      FailedNum: counters.failed,
      PausedNum: counters.paused,
      CancelledNum: counters.cancelled,
      TotalNotAnswered: counters.notAnswered,
      StartTime: counters.startTime,
      Duration: runDuration(view, now),
    },
    Strategy: { StartTime: group.strategy.startTime, EndTime: group.strategy.endTime },
  };
}
