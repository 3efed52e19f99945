/** One policy: what it requires, its history, and the applications it covers. */
import { Alert, Anchor, Loader, Stack, Tabs, Text, Title } from '@mantine/core'
import { useEffect, useState } from 'react'
import { useNavigation } from '../../../app/navigation'
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
import { usePolicyDetail } from './policy-detail-store'

type Tab = 'overview' | 'versions' | 'coverage'

export function PolicyDetail({ policyId }: { policyId: string }) {
  const { policy, policyId: shownId, versions, coverage, error, open, refresh, archive } = usePolicyDetail()
  const openApply = useApplyScope((state) => state.openFor)
  const go = useNavigation((state) => state.go)
  const reloadPolicies = usePolicies((state) => state.load)
  const loadPeople = usePeople((state) => state.load)
  const loadLibrary = useRuleLibrary((state) => state.load)
  const loadTemplates = useTemplates((state) => state.load)
  const [tab, setTab] = useState<Tab>('overview')

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
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <Stack gap="xl">
            <RequirementsTable key={policy.version} policy={policy} />
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
      </Tabs>
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
