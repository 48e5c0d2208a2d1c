import type { BindResult } from '../services/number-binding-service.ts';
import type { CallingNumberRow, InstanceBindingRow, PoolNumberRow } from '../store/number-store.ts';

/** The calling-number actions' reply fields (reference/outboundbot-2019-12-26/ListOutboundCallNumbers.json ...). */

/** A number as ListOutboundCallNumbers and ModifyOutboundCallNumber show it; the reference types the limits as strings. */
export function outboundCallNumberShape(number: CallingNumberRow) {
  return {
    OutboundCallNumberId: number.id,
    Number: number.number,
    RateLimitCount: String(number.rateLimitCount),
    RateLimitPeriod: String(number.rateLimitPeriod),
  };
}

export function bindResultShape(result: BindResult) {
  return { InstanceId: result.instanceId, Success: result.bound };
}

export function instanceBindingShape(binding: InstanceBindingRow) {
  return { InstanceId: binding.instanceId, InstanceName: binding.instanceName, IsBinding: binding.bound };
}

/** A pool number as ListAllTenantBindNumberBinding shows it: its limits as the reference's SerializedParams JSON. */
export function tenantNumberShape(number: PoolNumberRow) {
  return {
    BindingId: number.id,
    Number: number.number,
    InstanceNameList: number.instanceNames,
    TrunkName: number.trunk,
    BillingType: '',
    SerializedParams: JSON.stringify({ rateLimitPeriod: String(number.rateLimitPeriod), rateLimitCount: String(number.rateLimitCount) }),
  };
}
