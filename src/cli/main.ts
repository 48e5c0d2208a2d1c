import { Command } from 'commander';
import { registerKeysCommands } from './keys.ts';
import { registerNumbersCommands } from './numbers.ts';
import { registerServeCommand } from './serve.ts';
import { registerSimulateCommand } from './simulate.ts';
import { registerVerifyCommand } from './verify.ts';

/** `outboundbot <command>`: the one entry point for operators. */
const program = new Command()
  .name('outboundbot')
  .description('Self-hostable outbound-call bot, wire-compatible with Alibaba Cloud OutboundBot 2019-12-26')
  .showHelpAfterError();

registerServeCommand(program);
registerKeysCommands(program);
registerNumbersCommands(program);
registerVerifyCommand(program);
registerSimulateCommand(program);

await program.parseAsync(process.argv);
