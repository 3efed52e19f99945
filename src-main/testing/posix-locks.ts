/**
 * The POSIX locks a process holds on a file, as Linux lists them in /proc/locks: how a test sees
 * that SQLite still tells other programs the workspace is in use.
 */
import { readFileSync, statSync } from 'node:fs'

export interface PosixLock {
  /** READ (shared) or WRITE (exclusive). */
  kind: string
  /** First and last byte locked. */
  from: number
  to: number | 'EOF'
}

// e.g. "2: POSIX  ADVISORY  READ 7594 fe:00:2146844 1073741826 1073742335"; a waiter's line has "->" after the number.
const LINE = /^\d+:\s+(->\s+)?POSIX\s+\S+\s+(READ|WRITE)\s+(\d+)\s+[0-9a-f]+:[0-9a-f]+:(\d+)\s+(\d+)\s+(\d+|EOF)$/

/**
 * Locks granted to `pid` on `file`, found by its inode (the device is not compared: on layered
 * file systems /proc/locks may name another device than stat does). Waiters are left out.
 */
export function posixLocksHeld(pid: number, file: string): PosixLock[] {
  const inode = String(statSync(file).ino)
  return readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .map((line) => LINE.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null && match[1] === undefined && match[3] === String(pid) && match[4] === inode)
    .map((match) => ({ kind: match[2]!, from: Number(match[5]), to: match[6] === 'EOF' ? 'EOF' : Number(match[6]) }))
}
