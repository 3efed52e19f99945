/**
 * What one write transaction did to the audit chain's head, noted as it happens so the
 * transaction's end can sign the head it leaves (audit/head-signing.ts): events written here
 * (this workspace's chain), or the server's trail pulled here (a connected desktop's copy of its
 * server's chain). Kept per transaction through async context, so no caller passes it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

export interface NotedHead {
  /** The chain pulled into (the server's workspace id); absent for events written here, whose chain is this workspace's. */
  chain?: string
  /** The first event the transaction added, and the head it leaves. */
  first: number
  id: number
  hash: string
}

interface TransactionHeads {
  head?: NotedHead
}

const transaction = new AsyncLocalStorage<TransactionHeads>()

/** Runs one write transaction's work in a noting scope of its own. */
export function notingHeads<T>(work: () => Promise<T>): Promise<T> {
  return transaction.run({}, work)
}

/** The head the running transaction has left so far, if it wrote or pulled events. */
export function notedHead(): NotedHead | undefined {
  return transaction.getStore()?.head
}

export function noteWrittenHead(first: number, id: number, hash: string): void {
  const heads = transaction.getStore()
  if (!heads) return
  heads.head = { first: heads.head && heads.head.chain === undefined ? heads.head.first : first, id, hash }
}

export function notePulledHead(chain: string, first: number, id: number, hash: string): void {
  const heads = transaction.getStore()
  if (!heads) return
  heads.head = { chain, first: heads.head?.chain === chain ? heads.head.first : first, id, hash }
}
