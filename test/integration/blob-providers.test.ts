import { rmSync } from 'node:fs';
import path from 'node:path';
import { createProvider, loadPluginCatalog } from '../../engine/providers/plugin-catalog.ts';
import { describeBlobContract } from '../contract/blob-contract.ts';
import { testDeps } from '../contract/provider-harness.ts';

const catalog = await loadPluginCatalog(path.resolve(import.meta.dirname, '../../plugins'));

describeBlobContract('fs', async () => {
  const deps = testDeps();
  return { provider: createProvider(catalog, 'blob', 'fs', {}, deps), close: async () => rmSync(deps.dataDir, { recursive: true, force: true }) };
});
