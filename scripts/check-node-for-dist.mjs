// `npm run dist` builds installers with electron-builder, whose native rebuild (@electron/rebuild 4,
// node-abi 4) runs only on Node 22.12+; `npm start` and `npm test` need no more than Node 20.19.
// Refused here in one line, before a build that would fail later and less plainly.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`npm run dist needs Node 22.12 or newer (this is ${process.versions.node}): electron-builder's native rebuild (@electron/rebuild 4, node-abi 4) requires it; npm start and npm test run on Node 20.19+.\n`)
  process.exit(1)
}
