import path from 'node:path';
import { defineConfig } from 'prisma/config';

// Prisma's CLI refuses to start without a native schema engine, which it would otherwise
// download. Migrations here run through the WASM engine (`npm run migrate`), so the CLI is
// pointed at a stub that explains this if anything asks it for a migration.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, 'prisma', 'schema-engine-stub.sh');

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
});
