import type { AccessKeyRow, AccessKeyStatus, AccountRow } from '../rows.ts';
import type { SqliteBase } from './sqlite-database.ts';
import { rows } from './sqlite-rows.ts';
import * as q from './queries.ts';

/** Accounts, their AccessKeys, signature nonces and the server-wide settings. */
export function withAccounts<B extends SqliteBase>(Base: B) {
  return class SqliteAccounts extends Base {
    async insertAccount(account: AccountRow): Promise<void> {
      this.stmt(q.accounts.insert).run(account);
    }

    async findAccount(id: string): Promise<AccountRow | undefined> {
      return this.stmt(q.accounts.find).get(id) as AccountRow | undefined;
    }

    async listAccounts(): Promise<AccountRow[]> {
      return this.stmt(q.accounts.list).all() as unknown as AccountRow[];
    }

    async insertAccessKey(key: AccessKeyRow): Promise<void> {
      this.stmt(q.accessKeys.insert).run(rows.accessKeyParams(key));
    }

    async findAccessKey(id: string): Promise<AccessKeyRow | undefined> {
      return this.findOne(q.accessKeys.find, [id], rows.toAccessKey);
    }

    async listAccessKeys(): Promise<AccessKeyRow[]> {
      return this.stmt(q.accessKeys.list).all().map(rows.toAccessKey);
    }

    async updateAccessKey(id: string, change: { status?: AccessKeyStatus; secret?: string }): Promise<boolean> {
      return this.db.transaction(() => {
        let changed = 0;
        if (change.status) changed += this.stmt(q.accessKeys.setStatus).run({ id, status: change.status }).changes;
        if (change.secret) changed += this.stmt(q.accessKeys.setSecret).run({ id, secret: change.secret }).changes;
        return changed > 0;
      })();
    }

    async claimNonce(accessKeyId: string, nonce: string, now: number, expiresAt: number): Promise<boolean> {
      return this.stmt(q.nonces.claim).run({ accessKeyId, nonce, expiresAt, now }).changes === 1;
    }

    async purgeNonces(now: number): Promise<number> {
      return this.stmt(q.nonces.purge).run(now).changes;
    }

    async getSetting(key: string): Promise<string | undefined> {
      const row = this.stmt(q.settings.get).get(key);
      return row ? String(row.value) : undefined;
    }

    async setSetting(key: string, value: string): Promise<void> {
      this.stmt(q.settings.set).run({ key, value });
    }

    async initSetting(key: string, value: string): Promise<string> {
      this.stmt(q.settings.init).run({ key, value });
      return String(this.stmt(q.settings.get).get(key)!.value);
    }
  };
}
