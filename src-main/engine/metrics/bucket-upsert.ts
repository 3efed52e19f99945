/**
 * Merging rows into the stored hourly buckets, in bulk: counts and sums add in SQL; sketches
 * arrive already merged with what was stored. Rows go in one at a time and out in as few
 * statements as the database likes best: on SQLite, prepared multi-row upserts reused with
 * fresh parameters; on PostgreSQL, one upsert of whole columns sent as arrays (unnest), which
 * spares it parsing thousands of placeholders per statement.
 */
import { CompiledQuery, sql } from 'kysely'
import { onPostgres, repeatedStatement, type RepeatedStatement } from '../db/prepared'
import type { Tx } from '../db/schema'

export interface BucketUpsert {
  /** Holds a row; answers a promise only when it wrote what it held (await it before the next). */
  add(seriesId: number, hour: number, n: number, total: number | null, sum: number | null, sketch: Uint8Array | null): Promise<void> | undefined
  /** Writes what is still held; the upsert is done once this resolves. */
  finish(): Promise<void>
}

export function bucketUpsert(tx: Tx): BucketUpsert {
  return onPostgres(tx) ? new ColumnsUpsert(tx) : new PreparedUpsert(tx)
}

const COLUMNS = 6
/** Rows per statement: the largest first, then smaller ones for the rest. */
const BATCH_SIZES = [256, 64, 16, 4, 1] as const

function upsertStatement(tx: Tx, rows: number): RepeatedStatement {
  return repeatedStatement(tx, `metric_buckets.upsert.${rows}`, () =>
    tx
      .insertInto('metric_buckets')
      .values(Array.from({ length: rows }, () => ({ series_id: 0, hour: 0, n: 0, total: null, sum: null, sketch: null })))
      .onConflict((oc) =>
        oc.columns(['series_id', 'hour']).doUpdateSet({
          n: sql`metric_buckets.n + excluded.n`,
          total: sql`coalesce(metric_buckets.total, 0) + excluded.total`,
          sum: sql`coalesce(metric_buckets.sum, 0) + excluded.sum`,
          sketch: sql`coalesce(excluded.sketch, metric_buckets.sketch)`,
        }),
      )
      .compile(),
  )
}

/** SQLite: full statements of the largest size as rows come, one reused parameter array. */
class PreparedUpsert implements BucketUpsert {
  private readonly params = new Array<unknown>(BATCH_SIZES[0] * COLUMNS)
  private held = 0

  constructor(private readonly tx: Tx) {}

  add(seriesId: number, hour: number, n: number, total: number | null, sum: number | null, sketch: Uint8Array | null): Promise<void> | undefined {
    const at = this.held * COLUMNS
    this.params[at] = seriesId
    this.params[at + 1] = hour
    this.params[at + 2] = n
    this.params[at + 3] = total
    this.params[at + 4] = sum
    this.params[at + 5] = sketch
    if (++this.held < BATCH_SIZES[0]) return undefined
    this.held = 0
    return upsertStatement(this.tx, BATCH_SIZES[0]).run(this.params)
  }

  async finish(): Promise<void> {
    let row = 0
    for (const size of BATCH_SIZES) {
      for (; this.held - row >= size; row += size) await upsertStatement(this.tx, size).run(this.params.slice(row * COLUMNS, (row + size) * COLUMNS))
    }
    this.held = 0
  }
}

/** Rows per PostgreSQL statement: large enough that a big write takes few round trips. */
const ROWS_PER_COLUMNS_UPSERT = 20_000

const COLUMNS_UPSERT = `INSERT INTO metric_buckets (series_id, hour, n, total, sum, sketch)
  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::double precision[], $6::bytea[])
  ON CONFLICT (series_id, hour) DO UPDATE SET
    n = metric_buckets.n + excluded.n,
    total = coalesce(metric_buckets.total, 0) + excluded.total,
    sum = coalesce(metric_buckets.sum, 0) + excluded.sum,
    sketch = coalesce(excluded.sketch, metric_buckets.sketch)`

/** PostgreSQL: each column as one array, sent whole. */
class ColumnsUpsert implements BucketUpsert {
  private columns = emptyColumns()

  constructor(private readonly tx: Tx) {}

  add(seriesId: number, hour: number, n: number, total: number | null, sum: number | null, sketch: Uint8Array | null): Promise<void> | undefined {
    const c = this.columns
    c.series.push(seriesId)
    c.hour.push(hour)
    c.n.push(n)
    c.total.push(total)
    c.sum.push(sum)
    c.sketch.push(sketch ? Buffer.from(sketch.buffer, sketch.byteOffset, sketch.byteLength) : null)
    return c.series.length === ROWS_PER_COLUMNS_UPSERT ? this.finish() : undefined
  }

  async finish(): Promise<void> {
    const c = this.columns
    if (c.series.length === 0) return
    this.columns = emptyColumns()
    await this.tx.executeQuery(CompiledQuery.raw(COLUMNS_UPSERT, [c.series, c.hour, c.n, c.total, c.sum, c.sketch]))
  }
}

function emptyColumns() {
  return { series: [] as number[], hour: [] as number[], n: [] as number[], total: [] as Array<number | null>, sum: [] as Array<number | null>, sketch: [] as Array<Buffer | null> }
}
