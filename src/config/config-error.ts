/** A setting the operator must change: its message is one line naming the variable, printed at start. */
export class ConfigError extends Error {}
