/**
 * The files of a SQLite workspace: the file itself and those SQLite keeps beside it. `govern`
 * never reads or writes them but through SQLite: a file it writes would replace the workspace, and
 * a handle it opened on one, once closed, would drop the locks SQLite holds on it.
 */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'

const BESIDE = ['', '-wal', '-shm', '-journal']

/** Whether `path` names one of `workspace`'s files, by its name or (a link, another spelling) as the same file. */
export function isWorkspaceFile(path: string, workspace: string): boolean {
  const target = statSync(path, { throwIfNoEntry: false })
  return BESIDE.some((suffix) => {
    const file = `${workspace}${suffix}`
    if (resolve(file) === resolve(path)) return true
    const existing = target && statSync(file, { throwIfNoEntry: false })
    return existing !== undefined && target !== undefined && existing.dev === target.dev && existing.ino === target.ino
  })
}
