// npm run users -- <create|list|deactivate> --app <app> ...: the users of an app, from the command
// line of whoever runs the install (it holds the database, so it needs no role): how a production
// install gets its first admin. Every change is audited as "operator", as the API's are.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileRelease, createUserAdmin, isAppError, loadAppDir, type CompiledApp, type Database } from '../engine/index.ts';
import { readConfigOrExit, type Config } from '../server/config.ts';
import { commandLogger, openServerDatabase, type OpenDatabase } from './server-database.ts';

const USAGE = `usage: npm run users -- create --app <app> --role <role> (--email <email> | --phone <10 digits>) [--password <password>] [--name <display name>] [--attribute key=value ...]
       npm run users -- list --app <app> [--role <role>]
       npm run users -- deactivate --app <app> --id <user id>`;

/** The app as it runs: its live release, else its files (an install whose server never started). */
async function appOf(db: Database, id: string, config: Config): Promise<CompiledApp | undefined> {
  const options = { production: config.production, env: config.definitionEnv };
  return (await compileRelease(db, id, options))?.app ?? loadAppDir(path.join(config.definitionsDir, id), config.definitionsDir, options).app;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: { app: { type: 'string' }, role: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' }, id: { type: 'string' }, attribute: { type: 'string', multiple: true } } }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!command || !['create', 'list', 'deactivate'].includes(command) || !values.app) {
    console.error(USAGE);
    return 2;
  }
  const config = readConfigOrExit();
  const logger = commandLogger(config);
  let opened: OpenDatabase | undefined;
  try {
    opened = await openServerDatabase(config, logger);
    const app = await appOf(opened.db, values.app, config);
    if (!app) {
      console.error(`No app "${values.app}" (neither a release nor a folder under ${config.definitionsDir} that loads)`);
      return 1;
    }
    const users = createUserAdmin({ db: opened.db, registry: () => ({ apps: new Map([[app.id, app]]) }), clock: () => new Date() }, { operator: true });
    const operator = { id: 'operator', app: app.id, role: 'operator' };
    if (command === 'list') {
      for (const u of await users.list(app.id, operator, { role: values.role })) console.log([u.id, u.role.padEnd(10), (u.email ?? u.phone ?? '').padEnd(28), u.status, u.displayName ?? ''].join('  '));
      return 0;
    }
    if (command === 'deactivate') {
      if (!values.id) return console.error(USAGE), 2;
      const u = await users.deactivate(app.id, operator, values.id);
      console.log(`${u.id} deactivated (${u.email ?? u.phone}); their refresh tokens are revoked`);
      return 0;
    }
    const attributes = Object.fromEntries((values.attribute ?? []).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
    const u = await users.create(app.id, operator, { role: values.role, email: values.email, phone: values.phone, password: values.password, displayName: values.name, ...(Object.keys(attributes).length ? { attributes } : {}) });
    console.log(`${u.id} created: ${u.role} ${u.email ?? u.phone}${u.hasPassword ? ' (password set)' : ''}`);
    return 0;
  } catch (err) {
    if (isAppError(err)) {
      console.error(`${err.message}${err.details?.length ? `: ${err.details.map((d) => `${d.path} ${d.message}`).join('; ')}` : ''}`);
      return 1;
    }
    throw err;
  } finally {
    await opened?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
