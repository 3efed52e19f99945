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
