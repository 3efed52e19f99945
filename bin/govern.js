#!/usr/bin/env node
// The `govern` command: runs the built CLI (npm run build makes out/main/cli.js).
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write('govern: the console is not built yet; run `npm run build` (or `npm start`) first.\n')
  process.exit(1)
}
require(cli).main(process.argv.slice(2))
