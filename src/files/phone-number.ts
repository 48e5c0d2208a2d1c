import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * Normalises and validates the phone numbers of a contact file with
 * libphonenumber's full ("max") metadata: a number is valid when it matches one
 * of its country's number-type patterns (mobile, fixed line with area code,
 * toll free, ...), not merely a possible length. The default ("min") metadata
 * checks lengths only, so `1200009` passed as a 7-digit Chinese local number;
 * with "max" it is rejected, as a number without an area code must be.
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

/** The full parse, without the block cache: what the cache must agree with (tests). */
export function isValidByMetadata(text: string): boolean {
  return parse(text)?.isValid() ?? false;
}
