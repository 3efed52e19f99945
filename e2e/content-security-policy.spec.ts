/**
 * The console under its Content-Security-Policy (src-shared/security/csp.ts), in Chromium against
 * the real `govern serve`: Mantine's run-time <style> elements carry the page's nonce and apply,
 * and no style the console sets is refused by the policy, charts and their tooltips included.
 */
import { expect, test } from './console-fixture'

test('the console styles itself under a policy that allows no style element without the page’s nonce', async ({ page, console: governConsole }) => {
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { cspViolations: string[] }).cspViolations = seen
    // Style directives only: zod probes for eval once (new Function, caught), which script-src refuses as it should.
    document.addEventListener('securitypolicyviolation', (event) => {
      if (event.effectiveDirective.startsWith('style-src')) seen.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sample}`)
    })
  })
  // Loading the sample is the slow part; a ceiling against a hang, as in the other sample specs.
  test.setTimeout(120_000)
  await governConsole.open(page, { sample: true })
  await page.getByRole('link', { name: 'Dashboard' }).click()
  await expect(page.getByRole('heading', { name: 'Governance dashboard' })).toBeVisible()
  const chart = page.locator('canvas').first()
  await expect(chart).toBeVisible()
  await chart.hover()

  const styles = await page.evaluate(() => {
    const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce ?? ''
    const elements = [...document.querySelectorAll('style')]
    return {
      nonce,
      elements: elements.length,
      withoutNonce: elements.filter((element) => element.nonce !== nonce).length,
      // A variable only Mantine's run-time <style> element defines.
      primary: getComputedStyle(document.documentElement).getPropertyValue('--mantine-primary-color-filled').trim(),
    }
  })
  expect(styles.nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/)
  expect(styles.elements).toBeGreaterThan(0)
  expect(styles.withoutNonce).toBe(0)
  expect(styles.primary).not.toBe('')
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([])
})
