import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * How a contact file's header maps to a job: the phone number, name, honorific and
 * reference id columns by any of their usual names (English or Chinese, case,
 * spaces and punctuation ignored); every other named column becomes an extra.
 */
const ALIASES: Record<'phoneNumber' | 'name' | 'honorific' | 'referenceId', string[]> = {
  phoneNumber: ['phonenumber', 'phone', 'mobile', 'mobilephone', 'tel', 'telephone', 'number', 'callednumber', '手机号', '手机号码', '电话', '电话号码', '号码', '联系电话', '联系方式'],
  name: ['name', 'contactname', 'fullname', '姓名', '名字', '客户姓名', '联系人'],
  honorific: ['honorific', 'title', 'salutation', '称呼', '尊称', '称谓'],
  referenceId: ['referenceid', 'reference', 'refid', 'externalid', '业务id', '业务编号', '编号', '客户编号'],
};

function normaliseHeader(text: string): string {
  return text.trim().toLowerCase().replace(/[\s_\-.:：()（）]/g, '');
}

export interface ColumnMap {
  phoneNumber: number;
  name: number;
  honorific: number;
  referenceId: number;
  extras: Array<{ index: number; key: string }>;
}

/** The column map of a header row, or undefined when it has no phone-number column. */
export function mapColumns(header: readonly string[]): ColumnMap | undefined {
  const map: ColumnMap = { phoneNumber: -1, name: -1, honorific: -1, referenceId: -1, extras: [] };
  header.forEach((cell, index) => {
    const key = cell.trim();
    if (!key) return;
    const normal = normaliseHeader(key);
    for (const field of ['phoneNumber', 'name', 'honorific', 'referenceId'] as const) {
      if (map[field] === -1 && ALIASES[field].includes(normal)) {
        map[field] = index;
        return;
      }
    }
    map.extras.push({ index, key: key.slice(0, 128) });
  });
  return map.phoneNumber === -1 ? undefined : map;
}

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
 * with 1), by their first 7 digits: its CN patterns for such numbers constrain at
 * most the first 7 digits and leave the rest free, so the verdict of one number
 * is the verdict of its whole block. The bulk of a contact list then costs a map
 * lookup instead of a parse; every other shape is parsed each time.
 */
const mobileBlocks = new Map<string, boolean>();
const MOBILE_SHAPE = /^1\d{10}$/;

/** Validates a phone number with libphonenumber's metadata; undefined when it is not a valid number. */
export function normaliseNumber(raw: string): NormalisedNumber | undefined {
  const text = raw.trim();
  if (!text || text.length > 32) return undefined;
  if (MOBILE_SHAPE.test(text)) {
    const block = text.slice(0, 7);
    let valid = mobileBlocks.get(block);
    if (valid === undefined) {
      valid = parsePhoneNumberFromString(text, { defaultCountry: DEFAULT_COUNTRY, extract: false })?.isValid() ?? false;
      mobileBlocks.set(block, valid);
    }
    return valid ? { dial: text, key: 86e11 + Number(text), e164: `+86${text}` } : undefined;
  }
  // The cell is the number (no extraction from surrounding text): about twice as fast.
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: DEFAULT_COUNTRY, extract: false });
  if (!parsed || !parsed.isValid()) return undefined;
  const e164 = parsed.number;
  // Chinese numbers as dialled at home (formatNational): mobiles, the bulk of any list,
  // are their 11 national digits, which spares formatNational's cost for them.
  const national = parsed.nationalNumber;
  const mobile = national.length === 11 && national.startsWith('1');
  const dial = parsed.countryCallingCode !== '86' ? e164 : mobile ? national : parsed.formatNational().replace(/\D/g, '');
  return { dial, key: Number(e164.slice(1)), e164 };
}
