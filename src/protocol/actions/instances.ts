import { invalidParameter } from '../../domain/errors.ts';
import { CALLING_NUMBER } from '../../domain/phone-number.ts';
import { defineAction, type ActionDefinition } from '../action.ts';
import { p } from '../params.ts';
import { instanceListShape, instanceShape, pageShape } from '../shapes.ts';
import { descriptionParam, inInstance, nameParam, pageRequest, paging, phoneNumbers } from './common-params.ts';

/** Highest MaxConcurrentConversation an instance may ask for. */
export const MAX_INSTANCE_CONCURRENCY = 10_000;

const concurrency = () =>
  p.integer({ min: 1, max: MAX_INSTANCE_CONCURRENCY, description: 'The instance\'s ceiling of calls in flight.' }).require();

/** Calling numbers by the one phone-number rule (src/domain/phone-number.ts): lines may be service numbers. */
export function checkNumbers(name: string, numbers: string[] | undefined): string[] | undefined {
  numbers?.forEach((n, i) => {
    if (!CALLING_NUMBER.test(n)) throw invalidParameter(`${name}.${i + 1}`, 'expected a phone number of 3 to 20 digits');
  });
  return numbers;
}

/** The settings CreateInstance and ModifyInstance both take, as the service takes them. */
function settingsOf(params: { InstanceName?: string; InstanceDescription?: string; MaxConcurrentConversation: number; CallingNumber?: string[] }) {
  return {
    name: params.InstanceName,
    description: params.InstanceDescription,
    maxConcurrentConversation: params.MaxConcurrentConversation,
    callingNumbers: checkNumbers('CallingNumber', params.CallingNumber),
  };
}

const createInstance = defineAction({
  name: 'CreateInstance', summary: 'Creates an outbound call instance.',
  params: {
    InstanceName: nameParam('Instance name.').require(),
    InstanceDescription: descriptionParam('Instance description.'),
    MaxConcurrentConversation: concurrency(),
    NluServiceType: p.string({ oneOf: ['Managed', 'DialogStudio', 'Authorized', 'Provided'], description: 'NLU service type.' }),
    ResourceGroupId: p.string({ maxLength: 64, description: 'Resource group ID.' }),
    CallingNumber: phoneNumbers('Calling numbers bound to the instance.'),
  },
  async handler({ caller, services }, params) {
    const instance = await services.instances.create(caller, {
      ...settingsOf(params),
      name: params.InstanceName,
      nluServiceType: params.NluServiceType,
      resourceGroupId: params.ResourceGroupId,
    });
    return { Instance: instanceShape(instance) };
  },
});

const describeInstance = defineAction({
  name: 'DescribeInstance', summary: 'Queries an instance.',
  params: inInstance({}),
  async handler({ caller, services }, params) {
    return { Instance: instanceShape(await services.instances.require(caller.accountId, params.InstanceId)) };
  },
});

const listInstances = defineAction({
  name: 'ListInstances', summary: 'Lists the account\'s instances.',
  params: {
    Name: nameParam('Filter: part of the instance name.'),
    ResourceGroupId: p.string({ maxLength: 64, description: 'Filter: resource group ID.' }),
    Tag: p.objectArray(['Key', 'Value'] as const, { maxItems: 20, maxLength: 128, description: 'Filter: resource tags (Tag.N.Key, Tag.N.Value).' }),
    PageNumber: paging.pageNumber(),
    PageSize: paging.pageSize(),
  },
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    // Instances carry no resource tags (no tagging action exists yet), so a tag
    // filter matches nothing rather than being silently ignored.
    const result = params.Tag?.length ? { items: [], totalCount: 0 } : await services.instances.list(caller.accountId, { name: params.Name, resourceGroupId: params.ResourceGroupId }, page);
    // ListInstances answers its page flat, not under a List.
    const { List, ...counts } = pageShape(result, page, instanceListShape);
    return { Instances: List, ...counts };
  },
});

const modifyInstance = defineAction({
  name: 'ModifyInstance', summary: 'Modifies an instance\'s name, description, concurrency ceiling or calling numbers.',
  params: inInstance({
    InstanceName: nameParam('New instance name.'),
    InstanceDescription: descriptionParam('New description.'),
    MaxConcurrentConversation: concurrency(),
    CallingNumber: phoneNumbers('Calling numbers bound to the instance (replaces the list).'),
  }),
  async handler({ caller, services }, params) {
    return { Instance: instanceShape(await services.instances.modify(caller.accountId, params.InstanceId, settingsOf(params))) };
  },
});

const deleteInstance = defineAction({
  name: 'DeleteInstance', summary: 'Deletes an instance with its scripts and job groups.',
  params: inInstance({}),
  async handler({ caller, services }, params) {
    await services.instances.delete(caller.accountId, params.InstanceId);
    return {};
  },
});

export const INSTANCE_ACTIONS: readonly ActionDefinition[] = [createInstance, describeInstance, listInstances, modifyInstance, deleteInstance];
