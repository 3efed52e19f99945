import { type Kysely, sql } from 'kysely'

/**
 * Stored counts must stay exact (at most 2^53 − 1, what JavaScript reads exactly), and each write
 * checks that what it added to the hours it touched kept them so. An index of only the buckets
 * already past 2^52 (normally none) answers that check at once, instead of reading every bucket
 * the write touched.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('metric_buckets_near_exact_limit')
    .on('metric_buckets')
    .columns(['series_id', 'hour'])
    .where(sql.raw<boolean>('n > 4503599627370496 OR total > 4503599627370496'))
    .execute()
}
