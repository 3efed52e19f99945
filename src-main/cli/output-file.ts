/**
 * Files `govern` writes (a report) appear whole or not at all: written under a temporary name in
 * the same folder, flushed to disk, then renamed over the target. A failure or a crash part-way
 * leaves what was at the path before, and no partial file beside it.
 */
import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

export function writeFileWhole(path: string, bytes: Uint8Array): void {
  // Hidden, and named after the target, so that one left by a power cut says what it was.
  const partial = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`)
  let descriptor: number | undefined
  try {
    descriptor = openSync(partial, 'wx')
    writeFileSync(descriptor, bytes)
    // On disk before the rename, so that after a crash the name never points at missing bytes.
    fsyncSync(descriptor)
    closeSync(descriptor)
    descriptor = undefined
    renameSync(partial, path)
  } catch (error) {
    if (descriptor !== undefined) closeSync(descriptor)
    rmSync(partial, { force: true })
    throw error
  }
}
