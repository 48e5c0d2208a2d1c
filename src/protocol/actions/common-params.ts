import { invalidParameter } from '../../domain/errors.ts';
import { canonicalNumber, NOT_A_PHONE_NUMBER } from '../../domain/phone-number.ts';
import { p } from '../params.ts';

/** Parameters many actions share, declared once so their limits agree. */
export const ids = {
  instanceId: () => p.string({ maxLength: 64, description: 'Instance ID.' }).require(),
  scriptId: () => p.string({ maxLength: 64, description: 'Script (scenario) ID.' }).require(),
  jobGroupId: () => p.string({ maxLength: 64, description: 'Job group ID.' }).require(),
};

export const MAX_PAGE_SIZE = 100;

export const paging = {
  pageNumber: () => p.integer({ min: 1, max: 1_000_000, description: 'Page number, from 1.' }),
  pageSize: () => p.integer({ min: 1, max: MAX_PAGE_SIZE, description: `Entries per page, 1 to ${MAX_PAGE_SIZE}.` }),
};

export function pageRequest(pageNumber: number | undefined, pageSize: number | undefined) {
  return { pageNumber: pageNumber ?? 1, pageSize: pageSize ?? 10 };
}

/** Calling numbers: digits with an optional leading +, as carriers accept them. */
export const phoneNumbers = (description: string) => p.stringArray({ maxItems: 1000, maxLength: 32, description });

/** A called number sent as a plain parameter (Dialogue's CalledNumber), by the one rule of src/domain/phone-number.ts. */
export function checkCalledNumber(name: string, number: string): string {
  if (canonicalNumber(number) === undefined) throw invalidParameter(name, NOT_A_PHONE_NUMBER);
  return number;
}
