/**
 * Names people give things (applications, policies, groups, people, rules). They are kept in
 * Unicode NFC, so an é typed as one character and an e followed by a combining accent are the same
 * name, as they look: they compare equal and clash where names must be unique. They hold one line
 * of text: a control character (line break, tab, NUL, escape…) would break lists, CSV exports,
 * audit lines and webhook messages, and lets two names look alike while differing.
 */
import { z } from 'zod'

const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u

export function nameText(max: number) {
  return z
    .string()
    .trim()
    .normalize('NFC')
    .min(1, 'name is required')
    .max(max, `name is at most ${max} characters`)
    .regex(NO_CONTROL_CHARACTERS, 'name cannot contain control characters such as line breaks or tabs')
}

/**
 * Whether two names would clash where names must be unique: equal once trimmed, in NFC and
 * ignoring case, as the engine compares them. Lets a form say a name is taken before submitting.
 */
export function namesClash(a: string, b: string): boolean {
  return a.trim().normalize('NFC').toLowerCase() === b.trim().normalize('NFC').toLowerCase()
}
