import { ConfigError, loadConfig, readDotEnv } from './config';
import { createLogger } from './logger';
import { startVistka } from './server';

/** `npm start`: configuration from the environment (and `.env`), then the server until SIGTERM. */
async function main(): Promise<void> {
  readDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`vistka: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const vistka = await startVistka(config, { logger });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new pushes, finishing the jobs in flight');
    await vistka.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`vistka: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
