import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { csvFileName, neutraliseFormula, toCsv } from './csv'

describe('CSV exports', () => {
  it('prefixes with a quote every cell a spreadsheet would run as a formula, and only those', () => {
    for (const cell of ['=1+1', '+31 6 1234', '-2', '@SUM(A1:A2)', '\tpadded', '\rreturn', '=HYPERLINK("https://evil.example","click")']) {
      expect(neutraliseFormula(cell)).toBe(`'${cell}`)
    }
    for (const cell of ['Fraud Scorer', '1+1=2', 'a-b', 'user@example.com', '', ' =not first', "'quoted", '{"name":"=x"}']) {
      expect(neutraliseFormula(cell)).toBe(cell)
    }
  })

  it('writes RFC 4180: a header row, CRLF between records, fields quoted where they hold a comma, quote or line break', () => {
    const csv = toCsv(['id', 'name', 'note'], [
      [1, 'Plain', null],
      [2, 'Comma, here', 'She said "no"'],
      [3, 'Two\nlines', 'Carriage\rreturn'],
    ])
    expect(csv).toBe('id,name,note\r\n1,Plain,\r\n2,"Comma, here","She said ""no"""\r\n3,"Two\nlines","Carriage\rreturn"\r\n')
    expect(parse(csv, { relax_column_count: false })).toEqual([
      ['id', 'name', 'note'],
      ['1', 'Plain', ''],
      ['2', 'Comma, here', 'She said "no"'],
      ['3', 'Two\nlines', 'Carriage\rreturn'],
    ])
  })

  it('keeps text as UTF-8 as it is, and neutralises formulas inside quoted fields too', () => {
    const csv = toCsv(['name'], [['Café Bot 🤖'], ['=cmd|" /C calc"!A0'], [-5]])
    expect(parse(csv)).toEqual([['name'], ['Café Bot 🤖'], ['\'=cmd|" /C calc"!A0'], ["'-5"]])
    expect(Buffer.from(csv, 'utf8').toString('utf8')).toBe(csv)
  })

  it('names files safely for a download header and any file system', () => {
    expect(csvFileName('audit-log', '2026-03-01T10:30:00.000Z')).toBe('audit-log-2026-03-01T10-30-00Z.csv')
    expect(csvFileName('report "x"/y', '2026-03-01T10:30:00.000Z')).toBe('report__x__y-2026-03-01T10-30-00Z.csv')
  })
})
