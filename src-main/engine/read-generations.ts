/**
 * What a kept answer about one application is current under. Changes this process commits say
 * which applications they touched, so a change to one application leaves every other
 * application's kept answers standing; a change that may touch any (a policy edit, a full
 * evaluation), and anything another process or thread committed, which cannot be told apart, moves
 * the epoch that every application's answers are kept under.
 */
export class ReadGenerations {
  private epochCount = 0
  private readonly perApplication = new Map<string, number>()
  private othersSeen: string | undefined

  /** Moves with every change that may touch any application. */
  get epoch(): number {
    return this.epochCount
  }

  /** Called once a change has committed (never before: an answer built meanwhile must not be kept under the new key). */
  committed(applications?: readonly string[]): void {
    if (applications === undefined) {
      this.epochCount++
      this.perApplication.clear()
      return
    }
    for (const id of applications) this.perApplication.set(id, (this.perApplication.get(id) ?? 0) + 1)
  }

  /**
   * Told the mark that moves whenever a connection other than this process's writer commits
   * (OpenedDatabase.othersCommitted): a move is a change this process cannot attribute.
   */
  sawOthers(mark: string): void {
    if (this.othersSeen !== undefined && mark !== this.othersSeen) this.committed()
    this.othersSeen = mark
  }

  /** The key one application's kept answers hold under: it moves with every change that may touch it. */
  ofApplication(id: string): string {
    return `${this.epochCount}.${this.perApplication.get(id) ?? 0}`
  }

}
