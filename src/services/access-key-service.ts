import { randomBytes, randomInt } from 'node:crypto';
import type { AccessKeyRow, AccessKeyStatus, AccountRow, PolicyDocument } from '../store/rows.ts';
import type { ServiceDeps } from './service-deps.ts';

const ROOT_ACCOUNT_SETTING = 'root_account_id';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface BootstrapResult {
  account: AccountRow;
  key: AccessKeyRow;
  /** True when the key was generated now and must be shown to the operator once. */
  generated: boolean;
}

/**
 * Accounts and their AccessKeys. Keys are secrets: they are generated from the
 * system CSPRNG (never the injectable Random) and returned only to the CLI that
 * created them.
 */
export class AccessKeyService {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Makes sure the root account has a usable key at start. With an id and secret
   * from the environment that key is created, or kept and given the new secret;
   * without them, a key is generated on the very first start only.
   */
  async bootstrapRoot(fromEnv: { id?: string; secret?: string }): Promise<BootstrapResult | undefined> {
    const { store } = this.deps;
    let account = await this.rootAccount();
    if (fromEnv.id && fromEnv.secret) {
      account ??= await this.createAccountRow('root');
      const existing = await store.findAccessKey(fromEnv.id);
      if (existing) {
        if (existing.accountId !== account.id) {
          throw new Error(`OUTBOUNDBOT_ACCESS_KEY_ID ${fromEnv.id} belongs to another account`);
        }
        if (existing.secret !== fromEnv.secret) await store.updateAccessKey(existing.id, { secret: fromEnv.secret });
        return { account, key: { ...existing, secret: fromEnv.secret }, generated: false };
      }
      const key = this.keyRow(account.id, { name: 'root', isRoot: true }, fromEnv.id, fromEnv.secret);
      await store.insertAccessKey(key);
      return { account, key, generated: false };
    }
    if (account) return undefined;
    account = await this.createAccountRow('root');
    const key = this.keyRow(account.id, { name: 'root', isRoot: true });
    await store.insertAccessKey(key);
    return { account, key, generated: true };
  }

  async rootAccount(): Promise<AccountRow | undefined> {
    const id = await this.deps.store.getSetting(ROOT_ACCOUNT_SETTING);
    return id ? this.deps.store.findAccount(id) : undefined;
  }

  /** A new, separate account with its own root key: it sees none of the other accounts' data. */
  async createAccount(name: string): Promise<{ account: AccountRow; key: AccessKeyRow }> {
    const account = await this.createAccountRow(name, false);
    const key = this.keyRow(account.id, { name, isRoot: true });
    await this.deps.store.insertAccessKey(key);
    return { account, key };
  }

  /** A key in an existing account: a root-equivalent key, or a sub-user limited by a policy. */
  async createKey(accountId: string, options: { name: string; policy?: PolicyDocument }): Promise<AccessKeyRow> {
    if (!(await this.deps.store.findAccount(accountId))) throw new Error(`no account ${accountId}`);
    const key = this.keyRow(accountId, { name: options.name, isRoot: !options.policy, policy: options.policy });
    await this.deps.store.insertAccessKey(key);
    return key;
  }

  /** The key with this id, if any: the authenticator checks its status and the signature. */
  findKey(accessKeyId: string): Promise<AccessKeyRow | undefined> {
    return this.deps.store.findAccessKey(accessKeyId);
  }

  /**
   * Records a request's signature nonce until `expiresAt`; false when the key used
   * it already. The times are the wall clock's, which the clients sign with.
   */
  claimNonce(accessKeyId: string, nonce: string, now: number, expiresAt: number): Promise<boolean> {
    return this.deps.store.claimNonce(accessKeyId, nonce, now, expiresAt);
  }

  list(): Promise<AccessKeyRow[]> {
    return this.deps.store.listAccessKeys();
  }

  setStatus(id: string, status: AccessKeyStatus): Promise<boolean> {
    return this.deps.store.updateAccessKey(id, { status });
  }

  private async createAccountRow(name: string, isRoot = true): Promise<AccountRow> {
    const account: AccountRow = {
      id: this.deps.ids.next(),
      // 12 digits: pop-core parses numbers of more than 15 digits into BigNumber
      // objects, so a longer id would reach its users as an object, not a number.
      uid: 100_000_000_000 + randomInt(0, 900_000_000_000),
      name,
      createdAt: this.deps.clock.now(),
    };
    await this.deps.store.insertAccount(account);
    if (isRoot) await this.deps.store.setSetting(ROOT_ACCOUNT_SETTING, account.id);
    return account;
  }

  private keyRow(
    accountId: string,
    options: { name: string; isRoot: boolean; policy?: PolicyDocument },
    id = `LTAI${randomString(20)}`,
    secret = randomString(30),
  ): AccessKeyRow {
    return {
      id,
      accountId,
      secret,
      status: 'Active',
      isRoot: options.isRoot,
      name: options.name,
      policy: options.policy,
      createdAt: this.deps.clock.now(),
    };
  }
}

function randomString(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps every character equally likely.
  for (const byte of bytes) {
    if (byte < 248) out += ALPHABET[byte % 62];
    if (out.length === length) return out;
  }
  return out + randomString(length - out.length);
}
