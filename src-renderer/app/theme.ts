/**
 * The console's theme. Mantine's default shades put small text below the WCAG AA contrast of
 * 4.5:1 in places (dimmed text, light badges, green and yellow text, white on mid-tone buttons);
 * these variables pick, per colour and colour scheme, shades that meet it, so every screen
 * passes axe-core in light and dark mode without per-component overrides.
 */
import { Drawer, Modal, Notification, createTheme, darken, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core'

const AA = 4.6 // a hair above 4.5, so anti-aliasing never tips a label under

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)]
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05)
}

/** The first colour, from `from` darker, that reads at AA against `background`. */
function readable(shades: MantineColorsTuple, from: number, background: string): string {
  for (let shade = from; shade < shades.length; shade++) if (contrast(shades[shade]!, background) >= AA) return shades[shade]!
  let colour = shades[9]!
  for (let step = 0.05; contrast(colour, background) < AA && step <= 0.8; step += 0.05) colour = rgbToHex(darken(shades[9]!, step))
  return colour
}

function rgbToHex(rgb: string): string {
  if (rgb.startsWith('#')) return rgb
  const parts = rgb.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((part) => Math.round(Number(part)))
  return `#${parts.map((part) => part.toString(16).padStart(2, '0')).join('')}`
}

const LIGHT_BACKGROUND = '#f8f9fa' // the lightest surface text sits on (gray-0), harder than white
const DARK_SURFACE = '#2e2e2e' // dark-6: cards and table stripes, the lightest dark surface

// Close buttons are drawn as an icon; screen readers need their name.
const CLOSE = { closeButtonProps: { 'aria-label': 'Close' } }

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  primaryShade: { light: 7, dark: 8 },
  components: {
    Modal: Modal.extend({ defaultProps: CLOSE }),
    Drawer: Drawer.extend({ defaultProps: CLOSE }),
    Notification: Notification.extend({ defaultProps: CLOSE }),
  },
})

export const accessibleColours: CSSVariablesResolver = (resolved) => {
  const red = resolved.colors.red
  const light: Record<string, string> = { '--mantine-color-dimmed': '#5c636a', '--mantine-color-placeholder': '#6a7178', '--mantine-color-error': readable(red, 8, '#ffffff') }
  // Dimmed text also sits on hovered and selected rows (dark-5), a shade lighter than cards.
  const dark: Record<string, string> = { '--mantine-color-dimmed': '#adadad', '--mantine-color-placeholder': '#a0a0a0', '--mantine-color-error': red[4]! }
  for (const [name, shades] of Object.entries(resolved.colors)) {
    if (name === 'dark') continue
    const filled = readable(shades, 6, '#ffffff')
    light[`--mantine-color-${name}-text`] = readable(shades, 7, LIGHT_BACKGROUND)
    light[`--mantine-color-${name}-light-color`] = readable(shades, 8, shades[1]!)
    light[`--mantine-color-${name}-filled`] = filled
    light[`--mantine-color-${name}-outline`] = readable(shades, 7, '#ffffff')
    dark[`--mantine-color-${name}-filled`] = filled
    dark[`--mantine-color-${name}-text`] = [4, 3, 2, 1, 0].map((shade) => shades[shade]!).find((colour) => contrast(colour, DARK_SURFACE) >= AA) ?? shades[0]!
  }
  return { variables: {}, light, dark }
}
