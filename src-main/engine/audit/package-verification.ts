/**
 * Checking an audit package (a zip) against its `manifest.json`: every file it lists is there with
 * that size and SHA-256, and nothing else is, so a file changed, removed or added shows.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { strFromU8, unzipSync, type Unzipped } from 'fflate'
import { PackageManifest } from '../../../src-shared/domain/reports'

export const MANIFEST_FILE = 'manifest.json'

export type PackageVerification =
  | { status: 'intact'; manifest: PackageManifest }
  /** Files that differ from the manifest, each named with what is wrong. */
  | { status: 'tampered'; problems: string[] }
  /** Not an audit package at all: no zip, or no manifest to check against. */
  | { status: 'unreadable'; problems: string[] }

export function verifyPackage(file: string): PackageVerification {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch (error) {
    return { status: 'unreadable', problems: [`cannot read ${file}: ${(error as Error).message}`] }
  }
  return verifyPackageBytes(bytes)
}

export function verifyPackageBytes(zip: Uint8Array): PackageVerification {
  let entries: Unzipped
  try {
    entries = unzipSync(zip)
  } catch (error) {
    return { status: 'unreadable', problems: [`it is not a readable zip file (${(error as Error).message})`] }
  }
  const manifestBytes = entries[MANIFEST_FILE]
  if (!manifestBytes) return { status: 'unreadable', problems: [`it holds no ${MANIFEST_FILE}, so it is not an audit package`] }
  let manifest: PackageManifest
  try {
    const parsed = PackageManifest.safeParse(JSON.parse(strFromU8(manifestBytes)))
    if (!parsed.success) return { status: 'tampered', problems: parsed.error.issues.map((issue) => `${MANIFEST_FILE}: ${issue.path.join('.') || 'the manifest'} ${issue.message}`) }
    manifest = parsed.data
  } catch (error) {
    return { status: 'tampered', problems: [`${MANIFEST_FILE} is not valid JSON (${(error as Error).message})`] }
  }

  const problems: string[] = []
  const listed = new Set<string>()
  for (const { path, size, sha256 } of manifest.files) {
    if (listed.has(path)) problems.push(`${path} is listed twice in the manifest`)
    listed.add(path)
    const content = entries[path]
    if (!content) {
      problems.push(`${path} is listed in the manifest but missing from the package`)
      continue
    }
    if (content.length !== size) problems.push(`${path} is ${content.length} bytes; the manifest says ${size}`)
    else if (createHash('sha256').update(content).digest('hex') !== sha256) problems.push(`${path} does not match its SHA-256 in the manifest: its content was changed`)
  }
  for (const path of Object.keys(entries)) {
    // Folder entries carry no content of their own.
    if (path === MANIFEST_FILE || path.endsWith('/') || listed.has(path)) continue
    problems.push(`${path} is in the package but not in the manifest: it was added`)
  }
  return problems.length === 0 ? { status: 'intact', manifest } : { status: 'tampered', problems }
}
