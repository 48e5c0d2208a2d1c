/** A command that cannot run as asked: one line on stderr and exit status 2, as every `outboundbot` command does. */
export function fail(message: string): never {
  process.stderr.write(`outboundbot: ${message}\n`);
  process.exit(2);
}
