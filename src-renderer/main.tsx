import '@mantine/core/styles.css'
import '@mantine/notifications/styles.css'
import { MantineProvider, localStorageColorSchemeManager } from '@mantine/core'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { accessibleColours, theme } from './app/theme'
import { FeedbackHost } from './components/feedback'
import { client } from './api/client'
import { useApplicationDetail } from './features/applications/application-detail-store'
import { useApplications } from './features/applications/applications-store'
import { useApplicationRules } from './features/applications/rules/application-rules-store'
import { useCompliance } from './features/compliance/compliance-store'
import { usePeople } from './features/people/people-store'
import { usePolicies } from './features/policies/policies-store'
import { usePolicyDetail } from './features/policies/detail/policy-detail-store'
import { useRuleLibrary } from './features/rules/rule-library-store'
import { useWorkspace } from './app/workspace-store'

// Changes made elsewhere (another window, an import) refresh what is on screen.
client.onChanged((notice) => {
  if (notice.areas.includes('applications')) {
    void useApplications.getState().load()
    void useWorkspace.getState().load()
  } else if (notice.areas.includes('workspace')) {
    // A long task (loading the sample) announces only its progress, as 'workspace', until it ends.
    void useWorkspace.getState().loadInfo()
  }
  if (notice.areas.includes('policies') || notice.areas.includes('applications')) {
    void usePolicies.getState().load()
    void usePolicyDetail.getState().refresh()
    void useApplicationRules.getState().refresh()
  }
  if (notice.areas.includes('compliance') || notice.areas.includes('metrics')) {
    void useCompliance.getState().load()
    void useApplicationDetail.getState().refresh()
  }
  if (notice.areas.includes('rules')) void useRuleLibrary.getState().load()
  if (notice.areas.includes('people')) void usePeople.getState().load()
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider
      theme={theme}
      cssVariablesResolver={accessibleColours}
      defaultColorScheme="auto"
      colorSchemeManager={localStorageColorSchemeManager({ key: 'governance-console-color-scheme' })}
    >
      <App />
      <FeedbackHost />
    </MantineProvider>
  </StrictMode>,
)
