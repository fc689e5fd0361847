// Validates Azure Pipelines YAML files against the service schema extended with our tasks:
//   npx tsx test/templates/validate-file.ts path/to/pipeline.yml [more.yml ...]
// Prints every diagnostic; exits 1 when any file has an error (warnings are printed, not fatal;
// pass --strict to fail on warnings too).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorsOf, formatDiagnostic, validateYaml, warningsOf } from './pipeline-schema';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const strict = args.includes('--strict');
  const files = args.filter((a) => a !== '--strict');
  if (files.length === 0) {
    console.error('usage: npx tsx test/templates/validate-file.ts [--strict] <pipeline.yml> [...]');
    return 2;
  }
  let failed = false;
  for (const file of files) {
    const ds = await validateYaml(fs.readFileSync(file, 'utf8'), path.resolve(file));
    for (const d of ds) console.log(formatDiagnostic(d, file));
    const errors = errorsOf(ds).length;
    const warnings = warningsOf(ds).length;
    console.log(`${file}: ${errors} error(s), ${warnings} warning(s)`);
    if (errors > 0 || (strict && warnings > 0)) failed = true;
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
