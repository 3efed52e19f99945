/**
 * Statuses in an impact preview as the engine gives them: each application's status as the
 * dashboard shows it, before and after the change, where none means no policy covers it.
 */
import { STATUS_LABELS, type ComplianceStatus } from '../../../../src-shared/domain/compliance'

export type StatusWord = ComplianceStatus | null

export const NOT_COVERED = 'Not covered'

export function statusWordLabel(word: StatusWord): string {
  return word ? STATUS_LABELS[word] : NOT_COVERED
}
