/**
 * Where a policy's webhook may send alerts: anywhere on the internet, and inside (loopback,
 * private, link-local: inside-addresses.ts) only where the operator's allow-list says so. A
 * host name is judged by every address it resolves to, when the webhook is saved and again on
 * every delivery, and a delivery connects only to the addresses judged (webhook-post.ts).
 */
import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import { EngineError } from '../errors'
import { insideKind } from './inside-addresses'

export interface ResolvedAddress {
  address: string
  family: 4 | 6
}

/** Every address a host name stands for. The system's resolver unless the engine is given another. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>

export const systemResolve: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }))

/** Where the operator said how to allow an inside destination, named in every refusal. */
export const HOW_TO_ALLOW = 'the operator can allow it with `govern serve --webhook-allow HOST-OR-CIDR` or GOVERN_WEBHOOK_ALLOW'

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/

/** A host as compared: lower case, without a URL's brackets around IPv6 or a name's final dot. */
function hostKey(host: string): string {
  const lower = host.trim().toLowerCase()
  if (lower.startsWith('[') && lower.endsWith(']')) return lower.slice(1, -1)
  return lower.endsWith('.') ? lower.slice(0, -1) : lower
}

/**
 * The operator's allow-list: host names (exactly, any case), IP addresses and CIDR ranges. A
 * name listed is trusted whatever it resolves to; an address is allowed when a range holds it.
 */
export class WebhookAllowList {
  private constructor(
    private readonly names: ReadonlySet<string>,
    private readonly ranges: BlockList,
    /** The entries as written, for messages and for a worker thread to parse again. */
    readonly entries: readonly string[],
  ) {}

  static readonly EMPTY = new WebhookAllowList(new Set(), new BlockList(), [])

  /** Entries as given (each may be a comma-separated list), or the first one that is none of the three. */
  static parse(given: readonly string[]): { ok: true; value: WebhookAllowList } | { ok: false; message: string } {
    const names = new Set<string>()
    const ranges = new BlockList()
    const entries = given.flatMap((text) => text.split(',')).map((entry) => entry.trim()).filter((entry) => entry !== '')
    for (const entry of entries) {
      const [address, bits, ...rest] = hostKey(entry).split('/')
      const family = isIP(address!)
      if (bits !== undefined && family !== 0) {
        const prefix = Number(bits)
        const most = family === 6 ? 128 : 32
        if (rest.length > 0 || !/^\d+$/.test(bits) || prefix > most) {
          return { ok: false, message: `"${entry}" is not a CIDR range: write an address, a slash and a prefix length of at most ${family === 6 ? 128 : 32} bits, e.g. 10.0.0.0/8 or fd00::/8` }
        }
        ranges.addSubnet(address!, prefix, family === 6 ? 'ipv6' : 'ipv4')
      } else if (family !== 0) {
        ranges.addAddress(address!, family === 6 ? 'ipv6' : 'ipv4')
      } else if (bits === undefined && HOST_NAME.test(address!)) {
        names.add(address!)
      } else {
        return { ok: false, message: `"${entry}" is not a host name, an IP address or a CIDR range (e.g. relay.corp.example, 10.0.0.5, 10.0.0.0/8)` }
      }
    }
    return { ok: true, value: new WebhookAllowList(names, ranges, entries) }
  }

  /** The list from trusted code (the engine's options): a bad entry is a mistake of the caller's. */
  static of(entries: readonly string[] = []): WebhookAllowList {
    const parsed = WebhookAllowList.parse(entries)
    if (!parsed.ok) throw new Error(`Webhook allow-list: ${parsed.message}`)
    return parsed.value
  }

  allowsName(host: string): boolean {
    return this.names.has(hostKey(host))
  }

  allowsAddress(address: string): boolean {
    const bare = hostKey(address)
    const family = isIP(bare)
    return family !== 0 && this.ranges.check(bare, family === 6 ? 'ipv6' : 'ipv4')
  }
}

/** A destination refused: the message says which address and what kind it is. */
export class DestinationRefused extends Error {
  override readonly name = 'DestinationRefused'
}

/** A host name that could not be resolved (no such name, no answer, offline). */
export class NameUnresolved extends Error {
  override readonly name = 'NameUnresolved'
}

/** How long saving a policy waits for its webhook's name to resolve before taking it unchecked. */
const SAVE_LOOKUP_MS = 3_000

export class WebhookDestinations {
  constructor(
    readonly allow: WebhookAllowList = WebhookAllowList.EMPTY,
    private readonly resolve: ResolveHost = systemResolve,
  ) {}

  /**
   * The addresses a delivery to `hostname` (a URL's, IPv6 in brackets) may connect to: every one
   * the name resolves to, all of them judged, or DestinationRefused. One inside address is enough
   * to refuse: a name is not half trusted.
   */
  async addressesFor(hostname: string): Promise<ResolvedAddress[]> {
    const host = hostKey(hostname)
    const family = isIP(host)
    if (family !== 0) {
      this.judge(host, [host])
      return [{ address: host, family: family === 6 ? 6 : 4 }]
    }
    let addresses: ResolvedAddress[]
    try {
      addresses = await this.resolve(host)
    } catch (error) {
      throw new NameUnresolved(`${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
    }
    if (addresses.length === 0) throw new NameUnresolved(`${host} resolves to no address`)
    this.judge(host, addresses.map((resolved) => resolved.address))
    return addresses
  }

  /**
   * Refuses a webhook being saved whose host is inside, naming the field. An address is judged at
   * once; a name is resolved, and judged by what it resolves to. A name that cannot be resolved
   * now (the computer is offline, the resolver is slow, the name is new or mistyped) is accepted:
   * the desktop keeps working offline, and platforms report "offline" and "no such name" alike,
   * so the difference cannot be told here. Nothing is lost by accepting: every delivery resolves
   * the name again and is refused then if it is inside.
   */
  async checkAtSave(url: string | null | undefined): Promise<void> {
    if (!url) return
    const { hostname } = new URL(url)
    const host = hostKey(hostname)
    if (isIP(host) === 0 && this.allow.allowsName(host)) return
    try {
      await (isIP(host) !== 0 ? this.addressesFor(host) : withDeadline(this.addressesFor(host), SAVE_LOOKUP_MS))
    } catch (error) {
      if (error instanceof NameUnresolved) return
      if (error instanceof DestinationRefused) {
        throw new EngineError('invalid_input', `notification_webhook: ${error.message}; alerts are not sent inside this computer or its network (${HOW_TO_ALLOW})`, 'notification_webhook')
      }
      throw error
    }
  }

  private judge(host: string, addresses: readonly string[]): void {
    if (this.allow.allowsName(host)) return
    for (const address of addresses) {
      const kind = insideKind(address)
      if (kind === undefined || this.allow.allowsAddress(address)) continue
      throw new DestinationRefused(host === hostKey(address) ? `${address} is ${kind}` : `${host} resolves to ${address}, ${kind}`)
    }
  }
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new NameUnresolved(`no answer from the resolver within ${ms} ms`)), ms)
  })
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer))
}
