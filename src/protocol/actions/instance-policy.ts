import { workingWindowsSchema } from '../../domain/strategy.ts';
import { defineAction, type ActionDefinition } from '../action.ts';
import { p } from '../params.ts';
import { callingHoursShape } from '../policy-shapes.ts';
import { ids } from './common-params.ts';

/**
 * The instance-wide calling policy (docs/strategy.md "Under the instance's calling
 * hours"). The public API names the instance EntryId and the level StrategyLevel:
 * this server keeps the policy per instance only, so 2 is the one level it answers
 * and takes; 0 (system) and 1 (tenant) are refused with 400 InvalidParameter.
 */

const entryId = () => ids.instanceId();
const strategyLevel = () =>
  p.integer({ min: 2, max: 2, description: 'Strategy level: 2 (the instance, the default) is the only one; 0 (system) and 1 (tenant) are refused.' });

const getBaseStrategyPeriod = defineAction({
  name: 'GetBaseStrategyPeriod', summary: 'Returns the instance\'s calling hours: the windows and days every group of the instance calls within.',
  instanceParam: 'EntryId',
  params: { EntryId: entryId(), StrategyLevel: strategyLevel() },
  async handler({ caller, services }, params) {
    return callingHoursShape(await services.instancePolicy.callingHours(caller.accountId, params.EntryId));
  },
});

const saveBaseStrategyPeriod = defineAction({
  name: 'SaveBaseStrategyPeriod', summary: 'Sets the instance\'s calling hours (replacing them): every group\'s windows are intersected with these, on the days both allow.',
  instanceParam: 'EntryId',
  params: {
    EntryId: entryId(),
    StrategyLevel: strategyLevel(),
    WorkingTimeFramesJson: p.json(workingWindowsSchema, {
      maxLength: 4096,
      description: 'JSON array of {beginTime, endTime} (HH:mm:ss, 24:00:00 the end of the day), not overlapping; absent or []: the whole day.',
    }),
    WorkingTime: p.stringArray({ maxItems: 24, maxLength: 64, description: 'Deprecated; ignored (WorkingTimeFramesJson sets the windows).' }),
    OnlyWeekdays: p.boolean({ description: 'Call Monday to Friday only. Defaults to false.' }),
    OnlyWorkdays: p.boolean({ description: 'Call on the working days of the Chinese calendar only: no public holidays, and the make-up working days (调休) included. Defaults to false.' }),
  },
  async handler({ caller, services }, params) {
    await services.instancePolicy.saveCallingHours(caller.accountId, params.EntryId, {
      workingTime: params.WorkingTimeFramesJson ?? [],
      onlyWeekdays: params.OnlyWeekdays ?? false,
      onlyWorkdays: params.OnlyWorkdays ?? false,
    });
    return {};
  },
});

export const INSTANCE_POLICY_ACTIONS: readonly ActionDefinition[] = [getBaseStrategyPeriod, saveBaseStrategyPeriod];
