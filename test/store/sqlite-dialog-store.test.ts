import { emptySqliteStore } from '../helpers/sqlite-store.ts';
import { runDialogStoreContract } from './dialog-store-contract.ts';

runDialogStoreContract('SQLite', emptySqliteStore('dialog'));
