/**
 * What signing the audit head costs a write: the same small changes (one audit event each, as
 * most of the console's are) on a workspace opened with a key folder, against the bare baseline of
 * the same workspace opened without one, in the same run. Each signed change adds one Ed25519
 * signature and one row, in its transaction; the log beside the file and the key folder are
 * written after the commit, and the time to flush them at close is counted too.
 * Target: under 0.1 ms added to a change. Run with `npx tsx bench/audit-signing.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFileKeyStore } from '../src-main/engine/audit/key-store'
import { recordAudit } from '../src-main/engine/audit-trail'
import { openEngineParts, type EngineOptions } from '../src-main/engine/engine'

const CHANGES = 2_000
const ROUNDS = 5

/** The quickest round of each: on a shared machine, the others measure the neighbours as much as the code. */
function fastest(values: number[]): number {
  return Math.min(...values)
}

async function changes(file: string, options: EngineOptions): Promise<number> {
  const { engine, context } = await openEngineParts(file, options)
  const actor = { id: 'usr_bench', name: 'Bench Writer' }
  const start = process.hrtime.bigint()
  for (let n = 0; n < CHANGES; n++) {
    await context.mutate(['audit'], (tx) => recordAudit(tx, actor, context.nowIso(), { action: 'group.updated', entityType: 'group', entityId: `grp_${n % 50}`, after: { name: `Group ${n}` } }))
  }
  await engine.close()
  return Number(process.hrtime.bigint() - start) / 1e6
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'govern-bench-'))
  const bare: number[] = []
  const signed: number[] = []
  try {
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await changes(join(folder, `bare-${round}.sqlite`), {}))
      signed.push(await changes(join(folder, `signed-${round}.sqlite`), { auditKeys: createFileKeyStore(join(folder, `keys-${round}`)) }))
    }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
  const [b, s] = [fastest(bare), fastest(signed)]
  console.log(`${CHANGES} changes of one audit event each, fastest of ${ROUNDS} rounds, interleaved:`)
  console.log(`  unsigned (baseline)  ${b.toFixed(0)} ms  (${((b / CHANGES) * 1000).toFixed(0)} µs a change)`)
  console.log(`  signed               ${s.toFixed(0)} ms  (${((s / CHANGES) * 1000).toFixed(0)} µs a change)`)
  console.log(`  ratio                ${(s / b).toFixed(2)}×`)
}

void main()
