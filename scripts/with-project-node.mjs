// Runs a command on the project's Node (fetched into .runtime/ where the machine's is older than 24),
// for the npm scripts that run tools: `node scripts/with-project-node.mjs vitest run FILE`, or one
// argument run by the shell: `node scripts/with-project-node.mjs "tsx a.ts && tsx b.ts"`.
import { delimiter, join } from 'node:path'
import { ensureProjectNode, root, run } from './lib/setup.mjs'

await ensureProjectNode()
const [command, ...args] = process.argv.slice(2)
if (!command) {
  process.stderr.write('usage: node scripts/with-project-node.mjs COMMAND [ARGUMENT…]\n')
  process.exit(2)
}
// As under `npm run`, the project's own tools first.
process.env.PATH = `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`
process.exit(await run(command, args, { shell: args.length === 0 || process.platform === 'win32' }))
