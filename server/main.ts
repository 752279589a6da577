// npm start: serves every reference app and prints where to go (WORKERS=N: as N processes, server/cluster.ts).
// The SIGHUP listener goes in before anything heavy loads: ESM loads a module's whole static import
// graph before running any of it, so the server (serve-npm-start.ts) is imported afterwards.
import './reload-on-hangup.ts';

const { serveNpmStart } = await import('./serve-npm-start.ts');
await serveNpmStart();
