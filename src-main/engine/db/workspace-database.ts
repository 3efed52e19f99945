/**
 * Where a workspace lives: a SQLite file on this computer (a path), or a PostgreSQL database on a
 * server (a postgres:// URL) that several server processes share. The engine opens either the
 * same way and never asks which it has; the few queries that differ ask db/prepared.ts.
 */
import { resolve } from 'node:path'
import { openDatabase, type OpenedDatabase, type OpenOptions } from './open'
import { openPostgresDatabase } from './postgres'

export function isDatabaseUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location)
}

/**
 * How to name the workspace where people read: a file's absolute path, or a database's URL
 * without its password.
 */
export interface OpenedWorkspaceDatabase {
  database: OpenedDatabase
  label: string
}

export async function openWorkspaceDatabase(location: string, options: OpenOptions = {}): Promise<OpenedWorkspaceDatabase> {
  if (isDatabaseUrl(location)) {
    const database = await openPostgresDatabase(location, options)
    return { database, label: database.label }
  }
  const file = resolve(location)
  return { database: await openDatabase(file, options), label: file }
}
