/** Entry point: read config, open the store, serve HTTP + WebSocket until a signal arrives. */
import { startAttn } from './app.js';
import { BusUnavailableError } from './bus/open.js';
import { ConfigError, loadConfig } from './config.js';
import { QuestionBankError } from './questions/load.js';
import { describeDatabaseUrl, StoreUnavailableError } from './store/open.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`attn: bad configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let server;
  try {
    server = await startAttn(config);
  } catch (err) {
    if (err instanceof QuestionBankError) {
      process.stderr.write(`attn: bad question bank: ${err.message}\n`);
      process.exit(2);
    }
    // Unreachable database or Redis, failed migration: one line naming the variable (never its password).
    if (err instanceof StoreUnavailableError || err instanceof BusUnavailableError) {
      process.stderr.write(`attn: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // Scripts (tests, benchmarks) parse this exact line to learn the port.
  process.stdout.write(`attn listening on ${server.url}\n`);
  const where = config.databaseUrl ? { database: describeDatabaseUrl(config.databaseUrl) } : { dataDir: config.dataDir };
  server.log.info('started', { store: server.store.kind, ...where });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info('shutting down', { signal });
    server.close().then(
      () => process.exit(0),
      (err) => {
        server.log.error('shutdown failed', { err: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`attn: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
