/** One policy: what it requires, its history, the applications it covers, and its sign-offs. */
import { Alert, Anchor, Loader, Stack, Tabs, Text, Title } from '@mantine/core'
import { useEffect } from 'react'
import { useNavigation } from '../../../app/navigation'
import { PolicyAttestations } from '../../attestations/policy/PolicyAttestations'
import { usePeople } from '../../people/people-store'
import { AttestationRulesTable } from '../../rules/AttestationRulesTable'
import { useRuleLibrary } from '../../rules/rule-library-store'
import { useTemplates } from '../../templates/templates-store'
import { ApplyToApplicationsModal } from '../apply/ApplyToApplicationsModal'
import { useApplyScope } from '../apply/apply-store'
import { usePolicies } from '../policies-store'
import { CoverageTab } from './CoverageTab'
import { PolicyHeader } from './PolicyHeader'
import { RequirementsTable } from './RequirementsTable'
import { ScopeSummary } from './ScopeSummary'
import { VersionsTab } from './VersionsTab'
import { EditConflictModal } from './EditConflictModal'
import { usePolicyDetail } from './policy-detail-store'

const TABS = ['overview', 'versions', 'coverage', 'attestations'] as const
type Tab = (typeof TABS)[number]

export function PolicyDetail({ policyId }: { policyId: string }) {
  const { policy, policyId: shownId, versions, coverage, error, open, refresh, archive } = usePolicyDetail()
  const openApply = useApplyScope((state) => state.openFor)
  const go = useNavigation((state) => state.go)
  const reloadPolicies = usePolicies((state) => state.load)
  const loadPeople = usePeople((state) => state.load)
  const loadLibrary = useRuleLibrary((state) => state.load)
  const loadTemplates = useTemplates((state) => state.load)
  // The tab is in the address (`?tab=attestations`), so links can open one and reload keeps it.
  const query = useNavigation((state) => state.query)
  const setQuery = useNavigation((state) => state.setQuery)
  const tab: Tab = TABS.find((candidate) => candidate === query.tab) ?? 'overview'
  const setTab = (next: Tab) => setQuery({ tab: next === 'overview' ? null : next })

  useEffect(() => {
    void open(policyId)
  }, [open, policyId])

  useEffect(() => {
    void loadPeople()
    void loadLibrary()
    void loadTemplates()
  }, [loadPeople, loadLibrary, loadTemplates])

  const back = (
    <Anchor component="button" size="sm" onClick={() => go('policies')} style={{ alignSelf: 'flex-start' }}>
      ← All policies
    </Anchor>
  )

  if (error && !policy) {
    return (
      <Stack>
        {back}
        <Alert color="red" title="Could not open this policy">
          {error}
        </Alert>
      </Stack>
    )
  }
  if (!policy || shownId !== policyId) return <Loader />

  return (
    <Stack>
      {back}
      <PolicyHeader
        policy={policy}
        onApply={() => openApply(policy)}
        onArchive={async () => {
          await archive()
          void reloadPolicies()
          go('policies')
        }}
      />
      {error ? <Alert color="red">{error}</Alert> : null}
      <Tabs value={tab} onChange={(value) => setTab((value as Tab | null) ?? 'overview')} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">Requirements</Tabs.Tab>
          <Tabs.Tab value="versions">Versions ({versions.length})</Tabs.Tab>
          <Tabs.Tab value="coverage">Covered applications ({coverage.length})</Tabs.Tab>
          <Tabs.Tab value="attestations">Attestations</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <Stack gap="xl">
            {/* Kept mounted as new versions arrive: an edit under way survives, and a stale one meets the conflict on saving. */}
            <RequirementsTable key={policy.id} policy={policy} />
            <Stack gap="xs">
              <Title order={4}>Attestation rules</Title>
              {policy.attestation_rules.length ? (
                <AttestationRulesTable label="Policy attestation rules" rules={policy.attestation_rules} />
              ) : (
                <Text size="sm" c="dimmed">
                  No human sign-off required.
                </Text>
              )}
            </Stack>
            <ScopeSummary scope={policy.scope} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="versions" pt="md">
          <VersionsTab />
        </Tabs.Panel>
        <Tabs.Panel value="coverage" pt="md">
          <CoverageTab />
        </Tabs.Panel>
        <Tabs.Panel value="attestations" pt="md">
          <PolicyAttestations policyId={policy.id} />
        </Tabs.Panel>
      </Tabs>
      <EditConflictModal />
      <ApplyToApplicationsModal
        policyId={policy.id}
        onApplied={() => {
          void refresh()
          void reloadPolicies()
          setTab('coverage')
        }}
      />
    </Stack>
  )
}
