// Entry point of the `js-script` lines of accounting-faults.zndsl. Zombienet
// loads custom scripts with require(); the checks are an ES module.
const path = require('node:path');
const { pathToFileURL } = require('node:url');

async function run(nodeName, networkInfo, args) {
  const checks = await import(pathToFileURL(path.join(__dirname, 'checks.mjs')).href);
  return checks.run(nodeName, networkInfo, args);
}

module.exports = { run };
