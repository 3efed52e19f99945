/**
 * Which Host names the server answers to. A web page elsewhere can point a name of its own at
 * this server (DNS rebinding); refusing every name but loopback and the ones the operator listed
 * keeps that page out, so binding beyond loopback needs such a list rather than no check at all.
 */
import { isIP } from 'node:net'

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string }

export interface HostCheck {
  /** Whether a request's Host header names this server (any port: a proxy may publish another). */
  accepts(hostHeader: string | undefined): boolean
  /** The name to print in links: the bound loopback address, else the first allowed name. */
  linkHost: string
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]']

/** Whether a bind address keeps the server on this computer. */
export function isLoopbackBind(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'))
}

/** A host name or IP address as URLs spell it (lower case, IPv6 in brackets), or undefined if it is not one. */
function canonicalName(name: string): string | undefined {
  const bracketed = isIP(name) === 6 ? `[${name}]` : name
  let url: URL
  try {
    url = new URL(`http://${bracketed}`)
  } catch {
    return undefined
  }
  if (url.host !== url.hostname || url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined
  return /^[a-z0-9._-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname) ? url.hostname : undefined
}

/** `governance.example.com,10.0.0.5` as canonical names, or a message naming the entry at fault. */
export function parseAllowedHosts(list: string): Checked<string[]> {
  const names: string[] = []
  for (const entry of list.split(',').map((part) => part.trim()).filter(Boolean)) {
    const name = canonicalName(entry)
    if (!name) return { ok: false, message: `"${entry}" is not a host name or IP address; list names without scheme, port, path or wildcards` }
    names.push(name)
  }
  if (names.length === 0) return { ok: false, message: 'list at least one host name, e.g. governance.example.com' }
  return { ok: true, value: names }
}

export function hostCheckFor(bindHost: string, allowedHosts: readonly string[]): Checked<HostCheck> {
  const loopback = isLoopbackBind(bindHost)
  if (!loopback && allowedHosts.length === 0) {
    return { ok: false, message: `${bindHost} is reachable beyond this computer, so the host names the server answers to must be listed` }
  }
  const allowed = allowedHosts.map((host) => canonicalName(host))
  const invalid = allowedHosts.find((_, index) => allowed[index] === undefined)
  if (invalid !== undefined) return { ok: false, message: `"${invalid}" is not a host name or IP address` }
  const boundName = loopback ? canonicalName(bindHost) : undefined
  const names = new Set([...LOOPBACK_NAMES, ...(boundName ? [boundName] : []), ...(allowed as string[])])
  return {
    ok: true,
    value: {
      accepts: (hostHeader) => names.has(nameInHostHeader(hostHeader) ?? ''),
      linkHost: boundName ?? (allowed[0] as string),
    },
  }
}

function nameInHostHeader(header: string | undefined): string | undefined {
  if (!header) return undefined
  try {
    const url = new URL(`http://${header}`)
    return url.username || url.password || url.pathname !== '/' || url.search || url.hash ? undefined : url.hostname
  } catch {
    return undefined
  }
}
