// npm run definitions -- <subcommand>: releases, export, import and diff of an app's definitions
// against the database the server uses. The subcommands are in definitions/; this opens the
// database only when one asks for it, closes it (stopping an embedded PostgreSQL it started), exits.
import { readConfigOrExit } from '../server/config.ts';
import { runDefinitionsCommand } from './definitions/run-definitions-command.ts';
import { commandLogger, openServerDatabase, type OpenDatabase } from './server-database.ts';

const config = readConfigOrExit();
// Logs go to stderr: stdout is the command's answer.
const logger = commandLogger(config);
let opened: OpenDatabase | undefined;
let code: number;
try {
  code = await runDefinitionsCommand(process.argv.slice(2), {
    out: process.stdout,
    err: process.stderr,
    definitionsDir: config.definitionsDir,
    production: config.production,
    env: config.definitionEnv,
    async db() {
      opened ??= await openServerDatabase(config, logger);
      return opened.db;
    },
  });
} catch (err) {
  console.error(`definitions: ${(err as Error).message}`);
  code = 1;
} finally {
  await opened?.close();
}
process.exitCode = code;
