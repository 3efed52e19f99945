import BetterSqlite3 from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { tempFolder } from '../../testing/workspace'
import { openDatabase, type OpenedDatabase } from './open'
import { rawRows } from './prepared'

const folder = tempFolder()
afterAll(() => folder.remove())
let count = 0

async function workspace(options: { lockWaitMs?: number } = {}): Promise<{ file: string; db: OpenedDatabase }> {
  const file = folder.path(`lock-${count++}.sqlite`)
  return { file, db: await openDatabase(file, options) }
}

/** Another program with the workspace open, holding the write lock until released. */
function holdWriteLock(file: string): { release: () => void } {
  const other = new BetterSqlite3(file)
  other.exec('BEGIN IMMEDIATE')
  other.prepare("INSERT INTO applications (id, name, team, environment, created_at, updated_at) VALUES ('app_other', 'Other', null, null, 'x', 'x')").run()
  return {
    release: () => {
      other.exec('COMMIT')
      other.close()
    },
  }
}

const addApplication = (id: string) => (tx: Parameters<Parameters<OpenedDatabase['write']>[0]>[0]) =>
  tx.insertInto('applications').values({ id, name: id, team: null, environment: null, created_at: 'x', updated_at: 'x' }).execute()

const names = async (db: OpenedDatabase) => (await db.reader.selectFrom('applications').select('id').orderBy('id').execute()).map((row) => row.id)

describe('the write lock', () => {
  it('makes a write wait its turn while another process holds the lock, then commit', async () => {
    const { file, db } = await workspace()
    const other = holdWriteLock(file)
    let released = false
    const writing = db.write(addApplication('app_mine')).then(() => released)
    setTimeout(() => {
      released = true
      other.release()
    }, 300)
    // It committed, and only once the other program let go.
    expect(await writing).toBe(true)
    expect(await names(db)).toEqual(['app_mine', 'app_other'])
    await db.close()
  })

  it('keeps serving reads on this thread while a write waits for the lock', async () => {
    const { file, db } = await workspace()
    const other = holdWriteLock(file)
    let settled = false
    const writing = db.write(addApplication('app_mine')).finally(() => (settled = true))
    // The waiting write must not block the event loop: a timer and a read both run while it
    // still waits. A write that blocked the thread would have given up first (busy), since the
    // lock is released only from this thread.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await names(db)).toEqual([])
    expect(settled).toBe(false)
    other.release()
    await writing
    await db.close()
  })

  it('gives up with a busy error naming the wait when the lock is not had in time, and writes nothing', async () => {
    const { file, db } = await workspace({ lockWaitMs: 150 })
    const other = holdWriteLock(file)
    await expect(db.write(addApplication('app_mine'))).rejects.toMatchObject({ code: 'busy', message: expect.stringMatching(/busy with another program's change \(waited \d+ ms\)/) })
    other.release()
    expect(await names(db)).toEqual(['app_other'])
    await db.close()
  })

  it('never fails a transaction that reads and then writes while others write too', async () => {
    const { file, db } = await workspace()
    const second = await openDatabase(file)
    // Each reads the count, then writes: begun deferred, such a transaction could not wait for
    // the lock when it came to write, and failed with "database is locked".
    const readThenWrite = (handle: OpenedDatabase, id: string) =>
      handle.write(async (tx) => {
        const { n } = await tx.selectFrom('applications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
        await new Promise((resolve) => setTimeout(resolve, 2))
        await tx.insertInto('applications').values({ id, name: `${id} after ${n}`, team: null, environment: null, created_at: 'x', updated_at: 'x' }).execute()
      })
    await Promise.all(Array.from({ length: 40 }, (_, i) => readThenWrite(i % 2 ? db : second, `app_${i}`)))
    expect(await names(db)).toHaveLength(40)
    await second.close()
    await db.close()
  })
})

describe('reading', () => {
  it('never sees a write that has not committed, through kysely or raw rows', async () => {
    const { db } = await workspace()
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const writing = db.write(async (tx) => {
      await addApplication('app_pending')(tx)
      // Inside its own transaction, the write sees itself, raw reads included.
      expect(await rawRows(tx, tx.selectFrom('applications').select('id'))).toEqual([['app_pending']])
      await held
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await names(db)).toEqual([])
    expect(await rawRows(db.reader, db.reader.selectFrom('applications').select('id'))).toEqual([])
    release()
    await writing
    expect(await names(db)).toEqual(['app_pending'])
    await db.close()
  })

  it('cannot write through the read connection', async () => {
    const { db } = await workspace()
    const reader = db.reader as unknown as { insertInto: (table: string) => { values: (row: object) => { execute: () => Promise<unknown> } } }
    await expect(reader.insertInto('applications').values({ id: 'app_x', name: 'x', created_at: 'x', updated_at: 'x' }).execute()).rejects.toThrow(/readonly|read-only|query_only/i)
    await db.close()
  })

  it('reports a new generation whenever any connection commits', async () => {
    const { file, db } = await workspace()
    const first = await db.generation()
    expect(await db.generation()).toBe(first)
    await db.write(addApplication('app_mine'))
    const second = await db.generation()
    expect(second).not.toBe(first)
    holdWriteLock(file).release()
    expect(await db.generation()).not.toBe(second)
    await db.close()
  })
})
