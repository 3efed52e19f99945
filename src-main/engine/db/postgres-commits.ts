/**
 * Which commits on a PostgreSQL workspace were not this process's writer's. Every change to a
 * replicated row (statuses, data, applications, policies, the audit trail) renews its entry in
 * row_changes with the next seq, so the largest seq moves with every change that can touch an
 * answer, in this database alone (transaction ids are the whole cluster's). Every write of this
 * process reads it once it holds the write lock and again before it commits; a value none of its
 * writes left, found by its next write or by a read, was someone else's (another server process,
 * a worker thread, a tool). Erring, it errs towards someone else's, which only costs kept answers.
 */
export class OthersCommits {
  /** The largest seq accounted for: seen by a read, or found by a write of this process. */
  private known: string | undefined
  /** The largest seqs this process's latest writes left, noted before they commit. */
  private readonly left = new Set<string>()
  private moves = 0

  /** The largest seq as a write of this process found it on taking the write lock. */
  writeBegins(seq: string): void {
    this.saw(seq)
  }

  /**
   * The largest seq a write of this process leaves, noted before it commits: the next write may
   * take the lock, or a read see the commit, before its writer hears that it committed.
   */
  writeLeaves(seq: string): void {
    this.left.add(seq)
    if (this.left.size > RECENT_WRITES) this.left.delete(this.left.values().next().value!)
  }

  /** The mark for the largest seq a read found: it moves when a change not this process's was made since. */
  mark(seq: string): string {
    this.saw(seq)
    return String(this.moves)
  }

  private saw(seq: string): void {
    if (this.known !== undefined && seq !== this.known && !this.left.has(seq)) this.moves++
    this.known = seq
  }
}

/** Writes of this process remembered: more than can commit between two looks. */
const RECENT_WRITES = 64
