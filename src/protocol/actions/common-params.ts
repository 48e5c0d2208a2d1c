import { z } from 'zod';
import { invalidParameter } from '../../domain/errors.ts';
import { canonicalNumber, NOT_A_PHONE_NUMBER } from '../../domain/phone-number.ts';
import { p, parseJson, type ParamSpecs } from '../params.ts';

/**
 * Parameters many actions share, declared once so their limits and descriptions
 * agree (docs/api.md is rendered from them). Each builder returns a fresh
 * declaration, so an action may still narrow one (`.require()`).
 */
const id = (description: string) => p.string({ maxLength: 64, description }).require();

export const ids = {
  instanceId: () => id('Instance ID.'),
  scriptId: () => id('Script (scenario) ID.'),
  jobGroupId: () => id('Job group ID.'),
  jobId: () => id('Job ID.'),
  dialogueFlowId: () => id('Flow ID.'),
  intentId: () => id('Intent ID.'),
  globalQuestionId: () => id('Global question ID.'),
};

/** An action's parameters, after the InstanceId almost every action names first. */
export function inInstance<S extends ParamSpecs>(params: S) {
  return { InstanceId: ids.instanceId(), ...params };
}

/** ... after the instance and script every script-content action names. */
export function inScript<S extends ParamSpecs>(params: S) {
  return { InstanceId: ids.instanceId(), ScriptId: ids.scriptId(), ...params };
}

/** ... after the instance and job group every group-level action names. */
export function inJobGroup<S extends ParamSpecs>(params: S) {
  return { InstanceId: ids.instanceId(), JobGroupId: ids.jobGroupId(), ...params };
}

/** A name of up to 256 characters (instances, scripts, groups, flows, intents ...). */
export const nameParam = (description: string) => p.string({ maxLength: 256, description });

/** A free-text description, where an empty value clears it. */
export const descriptionParam = (description: string) => p.text({ maxLength: 1024, description });

export const MAX_PAGE_SIZE = 100;

export const paging = {
  pageNumber: () => p.integer({ min: 1, max: 1_000_000, description: 'Page number, from 1.' }),
  pageSize: () => p.integer({ min: 1, max: MAX_PAGE_SIZE, description: `Entries per page, 1 to ${MAX_PAGE_SIZE}.` }),
};

/** PageNumber and PageSize, both required, as most list actions declare them. */
export const requiredPage = () => ({ PageNumber: paging.pageNumber().require(), PageSize: paging.pageSize().require() });

export function pageRequest(pageNumber: number | undefined, pageSize: number | undefined) {
  return { pageNumber: pageNumber ?? 1, pageSize: pageSize ?? 10 };
}

/** Calling numbers: digits with an optional leading +, as carriers accept them. */
export const phoneNumbers = (text: string) => p.stringArray({ maxItems: 1000, maxLength: 32, description: text });

const strings = z.array(z.string().max(1_000)).max(1_000);

/**
 * A JSON array of strings sent as text (Utterances, Keywords, Questions, Answers).
 * Parsed by `listOf` in the handler, once every parameter has decoded, so a missing
 * required parameter is reported before a malformed one.
 */
export const jsonStringList = (description: string, maxLength = 200_000) => p.text({ maxLength, description });

export function listOf(name: string, value: string): string[];
export function listOf(name: string, value: string | undefined): string[] | undefined;
export function listOf(name: string, value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : parseJson(name, value, strings);
}

/** A called number sent as a plain parameter (Dialogue's CalledNumber), by the one rule of src/domain/phone-number.ts. */
export function checkCalledNumber(name: string, number: string): string {
  if (canonicalNumber(number) === undefined) throw invalidParameter(name, NOT_A_PHONE_NUMBER);
  return number;
}
