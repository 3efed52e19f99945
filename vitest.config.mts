import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { configDefaults, defineConfig } from 'vitest/config'

const folders = ['src-main', 'src-shared', 'migrations', 'src-renderer']
/** Tests on a real PostgreSQL server, which the `postgres` project starts only when one of them runs. */
const postgresTests = folders.map((folder) => `${folder}/**/*.postgres.test.ts`)

export default defineConfig({
  test: {
    environment: 'node',
    // `govern` processes the tests start keep workspaces' audit signing keys here, not in the user's config directory.
    env: { GOVERN_AUDIT_KEYS: join(tmpdir(), 'governance-console-test-audit-keys') },
    // Ceilings against a hang, not targets: tests wait on conditions, and on a loaded machine
    // (2 cores beside a CPU-heavy process) a long PostgreSQL or process test may take minutes.
    // How fast things are is measured in bench/.
    testTimeout: 120_000,
    hookTimeout: 120_000,
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
      {
        // The engine's and the API's suites again, each test's workspace a PostgreSQL database
        // (src-main/testing/engine-database.ts). Opening, locking and crash-safety of SQLite
        // files (engine/db) are SQLite's alone; PostgreSQL's own are in *.postgres.test.ts.
        extends: true,
        test: {
          name: 'engine-on-postgres',
          include: ['src-main/engine/**/*.test.ts', 'src-main/transport/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...postgresTests, 'src-main/engine/db/**'],
          env: { GOVERN_TEST_DATABASE: 'postgres' },
          globalSetup: ['src-main/testing/postgres-global-setup.ts'],
          setupFiles: ['src-main/testing/engine-on-postgres-setup.ts'],
        },
      },
      {
        // The engine's and the API's suites again, each test's engine running full evaluations and
        // reports on its worker threads as `govern serve` and the desktop app do (testing/workspace.ts).
        // engine/db's tests open their engines themselves, with the threads and without.
        extends: true,
        test: {
          name: 'engine-with-workers',
          include: ['src-main/engine/**/*.test.ts', 'src-main/transport/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...postgresTests, 'src-main/engine/db/**'],
          env: { GOVERN_TEST_WORKERS: '1' },
        },
      },
    ],
  },
})
