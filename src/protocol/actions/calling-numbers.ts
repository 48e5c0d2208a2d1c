import { invalidParameter, missingParameter } from '../../domain/errors.ts';
import { CALLING_NUMBER } from '../../domain/phone-number.ts';
import { defineAction, type ActionDefinition } from '../action.ts';
import { bindResultShape, instanceBindingShape, outboundCallNumberShape, tenantNumberShape } from '../number-shapes.ts';
import { p } from '../params.ts';
import { pageShape } from '../shapes.ts';
import { ids, inInstance, pageRequest, requiredPage } from './common-params.ts';

/**
 * The tenant's calling numbers as the API sees them: which pool numbers (added by the
 * operator, `outboundbot numbers add`) are bound to which instance, and their rate
 * limits. Actions without an InstanceId act on the whole tenant, so a sub-user needs
 * them allowed on `instance/*`.
 */

const MAX_INSTANCES = 100;
/** A limit's period may be up to 30 days, in seconds; a count of 0 lifts the limit. */
const MAX_PERIOD = 30 * 86_400;

const numberParam = (description: string) => p.string({ maxLength: 32, description });

/** A Number that the reference leaves optional but the action cannot do without. */
function requiredNumber(value: string | undefined): string {
  if (value === undefined) throw missingParameter('Number');
  return callingNumber(value);
}

/** A calling number is checked for shape only, as CreateInstance's CallingNumber (docs/strategy.md "Calling numbers"). */
function callingNumber(value: string): string {
  if (!CALLING_NUMBER.test(value)) throw invalidParameter('Number', 'expected a phone number of 3 to 20 digits, an optional leading +');
  return value;
}

/** InstanceList: instance IDs separated by commas (spaces and empty entries ignored); empty clears. */
function instanceList(value: string | undefined): string[] {
  const list = [...new Set((value ?? '').split(',').map((id) => id.trim()).filter((id) => id !== ''))];
  if (list.length > MAX_INSTANCES) throw invalidParameter('InstanceList', `more than ${MAX_INSTANCES} instances`);
  const tooLong = list.find((id) => id.length > 64);
  if (tooLong) throw invalidParameter('InstanceList', `"${tooLong.slice(0, 64)}..." is not an instance ID`);
  return list;
}

const listOutboundCallNumbers = defineAction({
  name: 'ListOutboundCallNumbers', summary: 'Lists the calling numbers bound to the instance, oldest first, with their rate limits.',
  params: inInstance({ ...requiredPage() }),
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    const result = await services.numberBindings.listForInstance(caller.accountId, params.InstanceId, page);
    return { OutboundCallNumbers: pageShape(result, page, outboundCallNumberShape) };
  },
});

const createInstanceBindNumber = defineAction({
  name: 'CreateInstanceBindNumber',
  summary: 'Binds a number of the tenant\'s pool to exactly the instances listed (replacing its bindings; empty unbinds it everywhere). An ID that is no instance of the tenant answers Success false.',
  params: {
    Number: numberParam('The pool number to bind (required), in any written form.'),
    InstanceList: p.text({ maxLength: 8_000, description: 'Instance IDs separated by commas; replaces the number\'s bindings, empty clears them.' }),
  },
  async handler({ caller, services }, params) {
    const number = requiredNumber(params.Number);
    const results = await services.numberBindings.bind(caller.accountId, number, instanceList(params.InstanceList));
    return { Data: { List: results.map(bindResultShape) } };
  },
});

const describeTenantBindNumber = defineAction({
  name: 'DescribeTenantBindNumber', summary: 'Lists every instance of the tenant and whether the pool number is bound to it.',
  params: { Number: numberParam('The pool number (required), in any written form.') },
  async handler({ caller, services }, params) {
    const bindings = await services.numberBindings.describe(caller.accountId, requiredNumber(params.Number));
    return { Data: { List: bindings.map(instanceBindingShape) } };
  },
});

const listAllTenantBindNumberBinding = defineAction({
  name: 'ListAllTenantBindNumberBinding', summary: 'Lists the tenant\'s number pool: each number with its instances, trunk and rate limit.',
  params: {},
  async handler({ caller, services }) {
    return { Data: { List: (await services.numberBindings.listAll(caller.accountId)).map(tenantNumberShape) } };
  },
});

const modifyOutboundCallNumber = defineAction({
  name: 'ModifyOutboundCallNumber',
  summary: 'Sets a bound number\'s rate limit: at most RateLimitCount calls per RateLimitPeriod seconds (0 lifts it). Stored for the pool number on every instance; not enforced by the dispatcher yet.',
  params: inInstance({
    OutboundCallNumberId: p.string({ maxLength: 64, description: 'The number\'s ID (ListOutboundCallNumbers).' }).require(),
    Number: numberParam('The number of that ID, in any written form.').require(),
    RateLimitCount: p.integer({ min: 0, max: 1_000_000, description: 'Calls allowed per period; 0 lifts the limit.' }).require(),
    RateLimitPeriod: p.integer({ min: 1, max: MAX_PERIOD, description: `The period in seconds, 1 to ${MAX_PERIOD}.` }).require(),
  }),
  async handler({ caller, services }, params) {
    const number = callingNumber(params.Number);
    const updated = await services.numberBindings.setRateLimit(
      caller.accountId, params.InstanceId, params.OutboundCallNumberId, number, params.RateLimitCount, params.RateLimitPeriod,
    );
    return { OutboundCallNumber: outboundCallNumberShape(updated) };
  },
});

const deleteOutboundCallNumber = defineAction({
  name: 'DeleteOutboundCallNumber', summary: 'Unbinds a number from the instance; it stays in the tenant\'s pool and on its other instances.',
  params: inInstance({
    OutboundCallNumberId: p.string({ maxLength: 64, description: 'The number\'s ID (ListOutboundCallNumbers).' }).require(),
  }),
  async handler({ caller, services }, params) {
    await services.numberBindings.unbind(caller.accountId, params.InstanceId, params.OutboundCallNumberId);
    return {};
  },
});

export const CALLING_NUMBER_ACTIONS: readonly ActionDefinition[] = [
  listOutboundCallNumbers,
  createInstanceBindNumber,
  describeTenantBindNumber,
  listAllTenantBindNumberBinding,
  modifyOutboundCallNumber,
  deleteOutboundCallNumber,
];
