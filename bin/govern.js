#!/usr/bin/env node
// The `govern` command: runs the built CLI (npm run build makes out/main/cli.js). On a Node older
// than the project's, it runs itself again on the project's Node in .runtime/ (see project-node.js).
const { existsSync } = require('node:fs')
const { join } = require('node:path')
const projectNode = require('./project-node.js')

if (!projectNode.nodeIsCurrent()) {
  const binary = projectNode.projectNodeBinary()
  if (!binary) {
    process.stderr.write(
      `govern: needs Node ${projectNode.requiredMajor} or newer (this is ${process.versions.node}); \`npm run setup\` fetches Node ${projectNode.pinnedVersion()} into the project's .runtime/ folder.\n`,
    )
    process.exit(1)
  }
  projectNode.handOver(binary, [__filename, ...process.argv.slice(2)])
} else {
  const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
  if (!existsSync(cli)) {
    process.stderr.write('govern: the console is not built yet; run `npm run build` (or `npm start`) first.\n')
    process.exit(1)
  }
  require(cli).main(process.argv.slice(2))
}
