import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { tempFolder } from '../testing/workspace'
import { writeFileWhole } from './output-file'

const folder = tempFolder()
afterAll(() => folder.remove())

describe('a file govern writes', () => {
  it('is written whole, replacing what was there, with nothing left beside it', () => {
    mkdirSync(folder.path('written'))
    const path = folder.path('written/report.pdf')
    writeFileSync(path, 'the report of last month')
    writeFileWhole(path, Buffer.from('the report of this month'))
    expect(readFileSync(path, 'utf8')).toBe('the report of this month')
    expect(readdirSync(folder.path('written'))).toEqual(['report.pdf'])
  })

  it('leaves what was at the path, and no partial file, when the last step fails', () => {
    // A folder at the path: the bytes are written in full under the temporary name, then the rename is refused.
    mkdirSync(folder.path('taken/report.pdf'), { recursive: true })
    writeFileSync(folder.path('taken/report.pdf/inside.txt'), 'kept')
    expect(() => writeFileWhole(folder.path('taken/report.pdf'), Buffer.alloc(1024 * 1024, 7))).toThrow()
    expect(readdirSync(folder.path('taken'))).toEqual(['report.pdf'])
    expect(readdirSync(folder.path('taken/report.pdf'))).toEqual(['inside.txt'])
  })

  it('makes nothing when its folder does not exist', () => {
    expect(() => writeFileWhole(folder.path('missing/report.pdf'), Buffer.from('x'))).toThrow(/ENOENT/)
    expect(readdirSync(folder.path(''))).not.toContain('missing')
  })
})
