import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The extension's version, written in by scripts/build.mjs (esbuild `define`) from package.json,
 * the one place the version lives. Undefined when this file runs from source (tests, tsx).
 */
declare const __EXTENSION_VERSION__: string | undefined;

/** package.json's version, read when this file runs from source: shared/azureml/ is two folders below it. */
function versionFromPackageJson(): string {
  return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Sent on every Azure call so service-side logs can tell our tasks, and their release, apart. In a
 * bundle the whole expression folds to one string literal (test/manifest/version.test.ts looks for it).
 */
export const USER_AGENT = `azureml-mlops-tasks/${typeof __EXTENSION_VERSION__ === 'string' ? __EXTENSION_VERSION__ : versionFromPackageJson()}`;
