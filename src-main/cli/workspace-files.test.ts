import { linkSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempFolder } from '../testing/workspace'
import { isWorkspaceFile } from './workspace-files'

const folder = tempFolder()
afterAll(() => folder.remove())

describe('the files of a workspace', () => {
  const workspace = folder.path('workspace.sqlite')
  writeFileSync(workspace, 'stands for the workspace')
  writeFileSync(`${workspace}-wal`, 'stands for its log')
  mkdirSync(folder.path('elsewhere'))

  it('are the file and those SQLite keeps beside it, however they are spelled', () => {
    expect(isWorkspaceFile(workspace, workspace)).toBe(true)
    expect(isWorkspaceFile(`${workspace}-wal`, workspace)).toBe(true)
    expect(isWorkspaceFile(`${workspace}-shm`, workspace)).toBe(true)
    expect(isWorkspaceFile(`${workspace}-journal`, workspace)).toBe(true)
    expect(isWorkspaceFile(relative(process.cwd(), workspace), workspace)).toBe(true)
    expect(isWorkspaceFile(join(folder.path('elsewhere'), '..', 'workspace.sqlite'), workspace)).toBe(true)
  })

  it('include another name for the same file (a hard link)', () => {
    const link = folder.path('elsewhere/linked.sqlite')
    linkSync(workspace, link)
    expect(isWorkspaceFile(link, workspace)).toBe(true)
  })

  it('are not other files', () => {
    writeFileSync(folder.path('report.pdf'), 'a report')
    expect(isWorkspaceFile(folder.path('report.pdf'), workspace)).toBe(false)
    expect(isWorkspaceFile(folder.path('not-yet.pdf'), workspace)).toBe(false)
    expect(isWorkspaceFile(folder.path('workspace.sqlite.pdf'), workspace)).toBe(false)
  })
})
