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
