import { emptySqliteStore } from '../helpers/sqlite-store.ts';
import { runFileStoreContract } from './file-store-contract.ts';

runFileStoreContract('SQLite', emptySqliteStore('files'));
