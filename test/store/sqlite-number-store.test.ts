import { emptySqliteStore } from '../helpers/sqlite-store.ts';
import { runNumberStoreContract } from './number-store-contract.ts';

runNumberStoreContract('SQLite', emptySqliteStore('number'));
