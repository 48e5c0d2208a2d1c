/**
 * Persistence for the bot's dialog: flows, intents, global questions, stored
 * conversations and the contact block list. A sub-store of Store
 * (`store.dialog`), kept apart so the dialog's rows and queries live in files of
 * their own. Every backend passes test/store/dialog-store-contract.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DialogStore {}
