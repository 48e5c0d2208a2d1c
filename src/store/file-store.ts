/**
 * Persistence for contact-list files and exports (uploads, parsing tasks,
 * export tasks). A sub-store of Store (`store.files`), kept apart so the file
 * pipeline's rows and queries live in files of their own. Every backend passes
 * test/store/file-store-contract.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FileStore {}
