/** Set-up of the `engine-on-postgres` project: each test file's databases are dropped after it. */
import { afterAll } from 'vitest'
import { dropTestDatabases } from './engine-database'

afterAll(dropTestDatabases)
