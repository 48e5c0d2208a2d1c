import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';

/**
 * The one rule for phone numbers, on every path that takes one (AssignJobs'
 * JobsJson, contact files, the block list, Dialogue, calling numbers).
 *
 * A called number is validated with libphonenumber's full ("max") metadata: it is
 * valid when it matches one of its country's number-type patterns (mobile, fixed
 * line with area code, toll free, ...), not merely a possible length. The default
 * ("min") metadata checks lengths only, so `1200009` passed as a 7-digit Chinese
 * local number; with "max" it is rejected, as a number without an area code must
 * be. A valid number has one canonical form, E.164 (`+8613900139000`), whether it
 * was written `13900139000`, `8613900139000` or `+86 139 0013 9000`: that form is
 * what matching and indexes use (the block list's number_key, a contact's e164),
 * computed once where the number comes in, while replies show the number as written.
 *
 * Calling numbers are the instance's own lines, which carriers often assign as
 * service numbers (`95187`) that are no subscriber's number: they keep a shape
 * check (CALLING_NUMBER) and are used as written.
 */

/** Numbers without a country code are read as Chinese, the public service's home. */
const DEFAULT_COUNTRY: CountryCode = 'CN';

export interface NormalisedNumber {
  /** What the job stores: the national form for Chinese numbers (as dialled at home), E.164 otherwise. */
  dial: string;
  /** The E.164 digits as a number: a compact key for finding duplicates (15 digits fit a double). */
  key: number;
  e164: string;
}

/**
 * libphonenumber's verdict on Chinese mobile-shaped numbers (11 digits starting
 * with 1), by their first 7 digits. Its CN patterns that can match 11 digits
 * starting with 1 (mobile `1740[0-5]\d{6}|1(?:[38]\d|...)\d{8}`, Beijing fixed
 * lines `10(?:...)\d{5}`) constrain at most the first 6 digits and leave the rest
 * free, so one parse decides a whole block (test/unit/files-phone-number.test.ts
 * checks blocks against full parses). The bulk of a contact list then costs a map
 * lookup; every other shape is parsed each time. The map is bounded: there are at
 * most 10^6 blocks and a real list touches a few thousand.
 */
const mobileBlocks = new Map<number, boolean>();
const MOBILE_SHAPE = /^1\d{10}$/;

function parse(text: string) {
  // The cell is the number (no extraction from surrounding text): about twice as fast.
  return parsePhoneNumberFromString(text, { defaultCountry: DEFAULT_COUNTRY, extract: false });
}

/** Validates a phone number with libphonenumber's full metadata; undefined when it is not a valid number. */
export function normaliseNumber(raw: string): NormalisedNumber | undefined {
  const text = raw.trim();
  if (!text || text.length > 32) return undefined;
  if (MOBILE_SHAPE.test(text)) {
    const national = Number(text);
    const block = Math.floor(national / 10_000);
    let valid = mobileBlocks.get(block);
    if (valid === undefined) {
      valid = parse(text)?.isValid() ?? false;
      mobileBlocks.set(block, valid);
    }
    return valid ? { dial: text, key: 86e11 + national, e164: `+86${text}` } : undefined;
  }
  const parsed = parse(text);
  if (!parsed || !parsed.isValid()) return undefined;
  const e164 = parsed.number;
  // Chinese numbers as dialled at home (formatNational): mobiles are their 11 national
  // digits, which spares formatNational's cost for them.
  const national = parsed.nationalNumber;
  const mobile = national.length === 11 && national.startsWith('1');
  const dial = parsed.countryCallingCode !== '86' ? e164 : mobile ? national : parsed.formatNational().replace(/\D/g, '');
  return { dial, key: Number(e164.slice(1)), e164 };
}

/** The canonical (E.164) form of a number; undefined when it cannot be a phone number. */
export function canonicalNumber(raw: string): string | undefined {
  return normaliseNumber(raw)?.e164;
}

/**
 * The key a stored number is matched by: its E.164 form, or the trimmed text for
 * one stored before the rule that is not a valid number (an old block-list entry
 * or job), which then still matches itself.
 */
export function matchKey(raw: string): string {
  return normaliseNumber(raw)?.e164 ?? raw.trim();
}

/** Why a called number was refused, as replies and reports say it. */
export const NOT_A_PHONE_NUMBER = 'not a phone number: a mobile or a fixed line with its area code, national or with +country code';

/**
 * A zod transform for an object of a JSON parameter with a called `phoneNumber`
 * (JobsJson's contacts, ContactBlockListsJson's entries): refuses one that cannot be
 * a phone number, naming the field, and adds its canonical form, in one parse.
 */
export function withE164<T extends { phoneNumber: string }>(value: T, ctx: z.RefinementCtx): T & { e164: string } {
  const number = normaliseNumber(value.phoneNumber);
  if (!number) {
    ctx.addIssue({ code: 'custom', path: ['phoneNumber'], message: NOT_A_PHONE_NUMBER });
    return z.NEVER;
  }
  return { ...value, e164: number.e164 };
}

/** A calling number (a line of the instance): digits with an optional leading +. */
export const CALLING_NUMBER = /^\+?\d{3,20}$/;

/** The full parse, without the block cache: what the cache must agree with (tests). */
export function isValidByMetadata(text: string): boolean {
  return parse(text)?.isValid() ?? false;
}
