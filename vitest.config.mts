import { configDefaults, defineConfig } from 'vitest/config'

const folders = ['src-main', 'src-shared', 'migrations', 'src-renderer']
/** Tests on a real PostgreSQL server, which the `postgres` project starts only when one of them runs. */
const postgresTests = folders.map((folder) => `${folder}/**/*.postgres.test.ts`)

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'default', include: folders.map((folder) => `${folder}/**/*.test.ts`), exclude: [...configDefaults.exclude, ...postgresTests] },
      },
      {
        extends: true,
        test: { name: 'postgres', include: postgresTests, globalSetup: ['src-main/testing/postgres-global-setup.ts'] },
      },
    ],
  },
})
