/**
 * Ids a sender may choose. A record can be created with an id of the sender's (a desktop creating
 * it offline, an inventory keeping its own), so later changes can name it before any answer came
 * back; without one, the engine makes one. A chosen id already taken is refused, naming it.
 */
import type { Tx } from './db/schema'
import { EngineError } from './errors'
import { newId } from './ids'

type Kinds = { policies: 'pol'; users: 'usr'; groups: 'grp'; alert_rules: 'ar'; attestation_rules: 'atr' }
const WHAT: Record<keyof Kinds, string> = { policies: 'A policy', users: 'A person', groups: 'A group', alert_rules: 'An alert rule', attestation_rules: 'An attestation rule' }

export async function idFor<T extends keyof Kinds>(tx: Tx, table: T, prefix: Kinds[T], chosen: string | undefined): Promise<string> {
  if (chosen === undefined) return newId(prefix)
  // Each of these tables keys its rows by a text id; the one type stands for them all.
  const taken = await tx.selectFrom(table as 'policies').select('id').where('id', '=', chosen).executeTakeFirst()
  if (taken) throw new EngineError('conflict', `${WHAT[table]} with id ${chosen} already exists`, 'id')
  return chosen
}
