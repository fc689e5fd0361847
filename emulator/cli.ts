import { parseArgs } from 'node:util';
import { startEmulator } from './index';

/**
 * `npm run emulator [-- --port 7443 --seed 1 --clock real]`: runs the emulator in the
 * foreground and prints the environment a task needs for a spnKey service connection.
 */

const CLI_CONNECTION_ID = 'azureml_emulator_spnkey';

/** POSIX single-quoting, so JSON values survive `eval`/copy-paste into a shell. */
const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7443' },
      seed: { type: 'string' },
      clock: { type: 'string', default: 'real' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a TCP port number, got '${values.port}'`);
  if (values.clock !== 'real' && values.clock !== 'manual') throw new Error(`--clock must be 'real' or 'manual', got '${values.clock}'`);

  const emulator = await startEmulator({ port, seed: values.seed ? Number(values.seed) : undefined, clock: values.clock });
  // Real connection ids are GUIDs, but shells cannot export names with dashes; task-lib reads
  // ENDPOINT_*_<id> for whatever id the task input holds, so a plain identifier works the same.
  const connection = emulator.connection({ scheme: 'spnKey', id: CLI_CONNECTION_ID });
  const lines = [
    `# Azure ML emulator listening on ${emulator.url} (Ctrl-C stops it)`,
    `# service connection id (the azureSubscription input): ${connection.id}`,
    `# subscription ${emulator.subscriptionId}, resource group ${emulator.resourceGroup}, workspace ${emulator.workspaceName}`,
    ...Object.entries(connection.env).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping the emulator\n`);
    await emulator.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: Error) => {
  process.stderr.write(`emulator: ${error.message}\n`);
  process.exit(1);
});
