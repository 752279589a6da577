// The only module that creates the Prisma client. Everything else receives a `Database`.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.ts';

export type Database = PrismaClient;
export { Prisma } from './generated/client.ts';

export function createDatabase(databaseUrl: string, poolSize = 20): Database {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize });
  return new PrismaClient({ adapter });
}
