/**
 * Changes made elsewhere (another window, an import, the engine's own evaluations) refresh what
 * is on screen, and only that: a screen not showing loads afresh when it is next opened, so a
 * background evaluation of thousands of applications does not make every store ask again.
 * Notices arriving together (a long write announces each of its steps) are answered once.
 */
import type { ChangeNotice } from '../../src-shared/api/bridge'
import { useApplicationDetail } from '../features/applications/application-detail-store'
import { useApplications } from '../features/applications/applications-store'
import { useApplicationRules } from '../features/applications/rules/application-rules-store'
import { useInbox } from '../features/attestations/inbox-store'
import { usePolicyAttestations } from '../features/attestations/policy/policy-attestations-store'
import { useReview } from '../features/attestations/review/review-store'
import { useCompliance } from '../features/compliance/compliance-store'
import { usePeople } from '../features/people/people-store'
import { usePolicies } from '../features/policies/policies-store'
import { usePolicyDetail } from '../features/policies/detail/policy-detail-store'
import { useReports } from '../features/reports/reports-store'
import { useRuleLibrary } from '../features/rules/rule-library-store'
import { useSync } from '../features/sync/sync-store'
import { useNavigation } from './navigation'
import { useReminders } from './reminders'
import { useWorkspace } from './workspace-store'

/** How long notices are gathered before the screen asks again. */
const GATHER_MS = 150

const pending = new Set<string>()
let scheduled: ReturnType<typeof setTimeout> | undefined

export function refreshOnChange(notice: ChangeNotice): void {
  notice.areas.forEach((name) => pending.add(name))
  scheduled ??= setTimeout(() => {
    scheduled = undefined
    const areas = [...pending]
    pending.clear()
    refresh(areas)
  }, GATHER_MS)
}

function refresh(areas: readonly string[]): void {
  const { area, path } = useNavigation.getState()
  const changed = (...names: string[]) => names.some((name) => areas.includes(name))
  const showing = (screen: typeof area, detail: boolean) => area === screen && Boolean(path[0]) === detail

  if (changed('applications')) void useWorkspace.getState().load()
  // A long task (loading the sample) announces only its progress, as 'workspace', until it ends.
  else if (changed('workspace')) void useWorkspace.getState().loadInfo()
  if (showing('applications', false)) {
    if (changed('applications')) void useApplications.getState().load()
    else if (changed('compliance', 'metrics', 'policies')) void useApplications.getState().loadStatuses()
  }
  if (showing('policies', false) && changed('policies', 'applications', 'compliance', 'metrics')) void usePolicies.getState().load()
  if (showing('policies', true) && changed('policies', 'applications')) void usePolicyDetail.getState().refresh()
  if (area === 'dashboard' && changed('compliance', 'metrics')) void useCompliance.getState().load()
  if (showing('applications', true) && changed('compliance', 'metrics')) void useApplicationDetail.getState().refresh()
  // An application's rules show on its page and on its policies' pages.
  if ((showing('applications', true) || showing('policies', true)) && changed('policies', 'applications')) void useApplicationRules.getState().refresh()
  // Requests are issued, closed and withdrawn by policy changes and the engine's clock as well as by sign-offs;
  // a review's evidence moves with every evaluation.
  const attestations = changed('attestations', 'policies', 'people')
  if (showing('attestations', false) && attestations) void useInbox.getState().refresh()
  if (showing('attestations', true) && changed('attestations', 'policies', 'compliance', 'metrics')) void useReview.getState().refresh()
  if (showing('policies', true) && attestations) void usePolicyAttestations.getState().refresh()
  // An export is an audit event; a report's summary moves with everything it reports on.
  if (area === 'reports' && changed('audit')) void useReports.getState().loadHistory()
  if (area === 'reports' && changed('compliance', 'metrics', 'policies', 'applications', 'attestations')) void useReports.getState().loadPreview()
  if (area === 'reports' && changed('policies', 'applications')) void useReports.getState().loadChoices()
  // Small lists that pickers on several screens use.
  if (changed('rules')) void useRuleLibrary.getState().load()
  if (changed('people')) void usePeople.getState().load()
  // Any change may be one more waiting for the server, or the server's arriving: the header's sync state.
  void useSync.getState().load()
  // The count in the title, and new reminders: wherever the console is showing.
  if (changed('attestations', 'policies', 'compliance', 'people')) void useReminders.getState().refresh()
}
