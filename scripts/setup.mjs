// `npm run setup`: installs dependencies when they are missing or older than package-lock.json.
import { ensureDependencies } from './lib/setup.mjs'

await ensureDependencies()
