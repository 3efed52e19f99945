// `npm run setup`: fetches the project's Node where the machine's is older than 24, then installs
// dependencies when they are missing, older than package-lock.json or built for another Node.
import { ensureDependencies, ensureProjectNode, say } from './lib/setup.mjs'

await ensureProjectNode()
await ensureDependencies()
say(`Set up on Node ${process.version} (${process.execPath})`)
