/**
 * A console opening a workspace at a given moment and catching up, as a process of its own: for
 * tests of two processes opening one workspace at once. Usage: catch-up-process.ts FILE MOMENT
 */
import { ManualClock } from '../engine/clock'
import { openEngineParts } from '../engine/engine'
import { TEST_OWNER } from './workspace'

async function main(): Promise<void> {
  const [file, moment] = process.argv.slice(2)
  if (!file || !moment) throw new Error('usage: catch-up-process.ts FILE MOMENT')
  const { engine } = await openEngineParts(file, { clock: new ManualClock(moment) })
  const ctx = { actor: TEST_OWNER }
  await engine.handlers['compliance.evaluate']({}, ctx)
  const inbox = await engine.handlers['attestations.inbox']({ tab: 'open', mine: false }, ctx)
  process.stdout.write(`${JSON.stringify({ open: inbox.counts.open })}\n`)
  await engine.close()
}

void main()
