import '@mantine/core/styles.css'
import '@mantine/notifications/styles.css'
import { MantineProvider, localStorageColorSchemeManager } from '@mantine/core'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { accessibleColours, theme } from './app/theme'
import { FeedbackHost } from './components/feedback'
import { client } from './api/client'
import { refreshOnChange } from './app/refresh-on-change'

client.onChanged(refreshOnChange)

/** This serving's style nonce (src-shared/security/csp.ts): Mantine stamps its <style> elements with it. */
const styleNonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce ?? ''

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider
      theme={theme}
      getStyleNonce={() => styleNonce}
      cssVariablesResolver={accessibleColours}
      defaultColorScheme="auto"
      colorSchemeManager={localStorageColorSchemeManager({ key: 'governance-console-color-scheme' })}
    >
      <App />
      <FeedbackHost />
    </MantineProvider>
  </StrictMode>,
)
