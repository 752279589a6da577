// Prisma 7 reads connection settings for the CLI from here. The runtime connects through
// @prisma/adapter-pg (engine/store/database.ts), and migrations are applied by our own runner
// (engine/store/migrate.ts) because the schema engine cannot be downloaded offline.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/rulepath' },
});
