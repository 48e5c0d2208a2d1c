import type { AccessKeyRow, AccessKeyStatus, AccountRow } from '../rows.ts';
import type { PostgresBase } from './postgres-database.ts';
import { rows } from './postgres-rows.ts';
import * as q from './queries.ts';

/** Accounts, their AccessKeys, signature nonces and the server-wide settings. */
export function withAccounts<B extends PostgresBase>(Base: B) {
  return class PostgresAccounts extends Base {
    async insertAccount(account: AccountRow): Promise<void> {
      await this.run(q.accounts.insert, { ...account });
    }

    async findAccount(id: string): Promise<AccountRow | undefined> {
      return (await this.one(q.accounts.find, { id })) as AccountRow | undefined;
    }

    async listAccounts(): Promise<AccountRow[]> {
      return (await this.rows(q.accounts.list)) as unknown as AccountRow[];
    }

    async insertAccessKey(key: AccessKeyRow): Promise<void> {
      await this.run(q.accessKeys.insert, rows.accessKeyParams(key));
    }

    async findAccessKey(id: string): Promise<AccessKeyRow | undefined> {
      return this.findOne(q.accessKeys.find, { id }, rows.toAccessKey);
    }

    async listAccessKeys(): Promise<AccessKeyRow[]> {
      return (await this.rows(q.accessKeys.list)).map(rows.toAccessKey);
    }

    async updateAccessKey(id: string, change: { status?: AccessKeyStatus; secret?: string }): Promise<boolean> {
      return this.transaction(async (client) => {
        let changed = 0;
        if (change.status) changed += await this.changes(q.accessKeys.setStatus, { id, status: change.status }, client);
        if (change.secret) changed += await this.changes(q.accessKeys.setSecret, { id, secret: change.secret }, client);
        return changed > 0;
      });
    }

    async claimNonce(accessKeyId: string, nonce: string, now: number, expiresAt: number): Promise<boolean> {
      return (await this.changes(q.nonces.claim, { accessKeyId, nonce, expiresAt, now })) === 1;
    }

    async purgeNonces(now: number): Promise<number> {
      return this.changes(q.nonces.purge, { now });
    }

    async getSetting(key: string): Promise<string | undefined> {
      const row = await this.one(q.settings.get, { key });
      return row ? String(row.value) : undefined;
    }

    async setSetting(key: string, value: string): Promise<void> {
      await this.run(q.settings.set, { key, value });
    }

    async initSetting(key: string, value: string): Promise<string> {
      return String((await this.one(q.settings.init, { key, value }))!.value);
    }
  };
}
