import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/config.ts';
import { createLogger } from '../server/logger.ts';
import { startServer, type RunningServer } from '../server/server.ts';
import { explainStartupError } from './startup-errors.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the API server (settings from OUTBOUNDBOT_* environment variables)')
    .action(async () => {
      let config;
      try {
        config = loadConfig();
      } catch (error) {
        if (error instanceof ConfigError) {
          process.stderr.write(`outboundbot: ${error.message}\n`);
          process.exit(2);
        }
        throw error;
      }
      const logger = createLogger(config.logLevel);
      let server: RunningServer;
      try {
        server = await startServer({ config, logger });
      } catch (error) {
        // A setting the operator can change gets one line and exit 1; anything else is a bug and keeps its stack.
        const explained = explainStartupError(error, config);
        if (explained === undefined) throw error;
        process.stderr.write(`outboundbot: ${explained}\n`);
        process.exit(1);
      }
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        await server.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}
