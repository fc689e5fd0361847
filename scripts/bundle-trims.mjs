// Bundle-size trims for scripts/build.mjs: modules the tasks bundle but can never run, replaced
// at bundle time for ONE importer each (never globally), so the real SDKs stay what the tasks use.
//
// Each trim states why its code path is unreachable from this project and carries checks that
// fail the build when that reasoning stops holding:
// - `importerMust`: the importer's source must still contain these strings (an SDK upgrade that
//   changes how the module is used makes the build stop instead of silently miscompiling);
// - `check(root)`: project-level proof (e.g. project sources never enable the feature).
// A trim whose importer no longer exists is harmless (the bundle is just bigger) and is reported.
// Stubs throw a clear error if ever reached instead of doing something different quietly.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/** Project sources the tasks are bundled from (tests, emulator, tools are not bundled). */
const PROJECT_SOURCE_DIRS = ['tasks', 'shared'];

function projectSources(root) {
  const files = [];
  const walk = (dir) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (/\.[cm]?[jt]s$/.test(d.name)) files.push(p);
    }
  };
  for (const dir of PROJECT_SOURCE_DIRS) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return files;
}

/** Fails with the offending files when any project source matches `re`. */
function forbidInProject(root, re, why) {
  const hits = projectSources(root).filter((f) => re.test(fs.readFileSync(f, 'utf8')));
  if (hits.length > 0) {
    return `${why}; found in ${hits.map((f) => path.relative(root, f)).join(', ')}`;
  }
  return undefined;
}

/** Names the project imports from `pkg` (value and type imports), or an error for a namespace/default import. */
function projectImportsOf(root, pkg) {
  const names = new Set();
  const esc = pkg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const named = new RegExp(`import\\s+(?:type\\s+)?\\{([^}]*)\\}\\s+from\\s+['"]${esc}['"]`, 'g');
  const any = new RegExp(`(?:from|import|require\\()\\s*['"]${esc}(?:/[^'"]*)?['"]`, 'g');
  for (const f of projectSources(root)) {
    const src = fs.readFileSync(f, 'utf8');
    const namedCount = [...src.matchAll(named)].length;
    if ((src.match(any) ?? []).length !== namedCount) {
      return { error: `${path.relative(root, f)} imports ${pkg} other than by named imports` };
    }
    for (const m of src.matchAll(named)) {
      for (const n of m[1].split(',')) {
        const name = n
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0];
        if (name) names.add(name);
      }
    }
  }
  return { names };
}

function unreachable(what) {
  return JSON.stringify(`${what} is not included in this task bundle (scripts/bundle-trims.mjs)`);
}

export const TRIMS = [
  {
    // 83 KiB: an Emscripten build of a CRC64 WebAssembly module, inlined as base64.
    id: 'storage-crc64-wasm',
    why:
      "@azure/storage-common's WebAssembly CRC64 is loaded only by StorageCRC64Calculator.init(), which " +
      '@azure/storage-blob calls only when contentChecksumAlgorithm (per call) or upload/downloadContentChecksumAlgorithm ' +
      "(client options) is 'StorageCrc64' or 'Auto'; this project never sets them",
    importer: /node_modules\/@azure\/storage-common\/dist\/esm\/StorageCRC64Calculator\.js$/,
    request: './crc64.js',
    importerMust: ['import NativeCRC64 from "./crc64.js"', 'this.initPromise = NativeCRC64()'],
    check: (root) => forbidInProject(root, /ChecksumAlgorithm/, 'project sources must not enable storage CRC64 content validation'),
    contents: `export default function NativeCRC64() { return Promise.reject(new Error(${unreachable('Storage CRC64 content validation')})); }`,
    loader: 'js',
  },
  {
    // ~50 KiB: the NTLM handler and what it drags in (underscore, des.js, js-md4, the SMB/NTLM code).
    id: 'devops-bearer-handler-only',
    why:
      "azure-devops-node-api's BearerCredentialHandler uses only typed-rest-client's BearerCredentialHandler, but " +
      'requires it through typed-rest-client/Handlers, which also loads the Basic, PAT and NTLM handlers; the ' +
      'replacement exports the very same class from its own module (not a stub)',
    importer: /node_modules\/azure-devops-node-api\/handlers\/bearertoken\.js$/,
    request: 'typed-rest-client/Handlers',
    importerMust: [
      'const resthandlers = require("typed-rest-client/Handlers");',
      'class BearerCredentialHandler extends resthandlers.BearerCredentialHandler {',
    ],
    importerMustNot: [/resthandlers\.(?!BearerCredentialHandler\b)/],
    contents: 'exports.BearerCredentialHandler = require("typed-rest-client/handlers/bearertoken").BearerCredentialHandler;',
    loader: 'js',
  },
  {
    // ~28 KiB: semver 7 (jsonwebtoken's own copy) beside semver 5, which task-lib already bundles.
    id: 'jsonwebtoken-semver',
    why:
      'jsonwebtoken uses semver only in three one-line modules that evaluate semver.satisfies(process.version, ' +
      "'<range>') at load time; the semver task-lib bundles anyway gives the same answer for those ranges (checked " +
      'below for this Node and a spread of versions), so the second copy is left out',
    importer: /node_modules\/jsonwebtoken\/lib\/(asymmetricKeyDetailsSupported|psSupported|rsaPssKeyDetailsSupported)\.js$/,
    request: 'semver',
    importerMatch: /^(?:const|var) semver = require\('semver'\);\s*module\.exports = semver\.satisfies\(process\.version, '([^']+)'\);\s*$/,
    redirect: { request: 'semver', from: 'node_modules/azure-pipelines-task-lib' },
    sameAnswer(src, ownSemver, targetSemver) {
      const range = src.match(this.importerMatch)[1];
      const versions = [
        process.version,
        'v6.11.5',
        'v6.12.0',
        'v7.10.1',
        'v8.0.0',
        'v15.6.0',
        'v15.7.0',
        'v16.8.0',
        'v16.9.0',
        'v20.9.0',
        'v22.11.0',
        'v24.0.0',
        'v26.0.0-pre',
      ];
      const diff = versions.filter((v) => ownSemver.satisfies(v, range) !== targetSemver.satisfies(v, range));
      return diff.length ? `semver copies disagree on '${range}' for ${diff.join(', ')}` : undefined;
    },
  },
  {
    // ~10 KiB: `open` and its platform helpers (default-browser, is-wsl, run-applescript, ...).
    id: 'identity-open-browser',
    why:
      '@azure/identity imports `open` only inside the openBrowser callback of interactive/brokered sign-in ' +
      '(InteractiveBrowserCredential, VisualStudioCodeCredential, the broker credential of DefaultAzureCredential); ' +
      'the tasks construct only the credentials listed in `check`, none of which sign in interactively',
    importer: /node_modules\/@azure\/identity\/dist\/esm\/msal\/nodeFlows\/msalClient\.js$/,
    request: 'open',
    importerMust: ['const open = await import("open");'],
    check(root) {
      const allowed = [
        'ClientAssertionCredential',
        'ClientCertificateCredential',
        'ClientSecretCredential',
        'ManagedIdentityCredential',
        'TokenCredential',
        'AccessToken',
        'GetTokenOptions',
      ];
      const { names, error } = projectImportsOf(root, '@azure/identity');
      if (error) return error;
      const others = [...names].filter((n) => !allowed.includes(n));
      return others.length
        ? `project sources import ${others.join(', ')} from @azure/identity; check it never signs in interactively, then allow it`
        : undefined;
    },
    contents: `export default function open() { return Promise.reject(new Error(${unreachable('Interactive browser sign-in')})); }`,
    loader: 'js',
  },
];

/**
 * esbuild plugin applying TRIMS. `used` collects the ids that matched (for the build report).
 */
export function bundleTrimsPlugin(root, used = new Set()) {
  return {
    name: 'bundle-trims',
    setup(build) {
      const problems = [];
      for (const t of TRIMS) {
        const p = t.check?.(root);
        if (p) problems.push(`${t.id}: ${p}`);
      }
      build.onStart(() => (problems.length ? { errors: problems.map((text) => ({ text })) } : undefined));

      const checkedImporters = new Map();
      for (const t of TRIMS) {
        const filter = new RegExp(`^${t.request.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
        build.onResolve({ filter }, async (args) => {
          const importer = args.importer.split(path.sep).join('/');
          if (!t.importer.test(importer)) return undefined;
          if (!checkedImporters.has(args.importer)) {
            const src = fs.readFileSync(args.importer, 'utf8');
            const missing = (t.importerMust ?? []).filter((s) => !src.includes(s));
            if (t.importerMatch && !t.importerMatch.test(src)) missing.push(String(t.importerMatch));
            const extra = (t.importerMustNot ?? []).filter((re) => re.test(src));
            checkedImporters.set(
              args.importer,
              missing.length || extra.length
                ? `trim ${t.id}: ${path.relative(root, args.importer)} changed (missing ${JSON.stringify(missing)}, unexpected ${extra.join(', ')}); ` +
                    're-check the reasoning in scripts/bundle-trims.mjs before updating it'
                : '',
            );
          }
          const problem = checkedImporters.get(args.importer);
          if (problem) return { errors: [{ text: problem }] };
          if (t.redirect) {
            const from = path.join(root, t.redirect.from);
            const target = await build.resolve(t.redirect.request, { kind: args.kind, resolveDir: from });
            if (target.errors.length) return { errors: target.errors };
            const req = createRequire(args.importer);
            const disagree = t.sameAnswer(
              fs.readFileSync(args.importer, 'utf8'),
              req(args.path),
              createRequire(path.join(from, 'x.js'))(t.redirect.request),
            );
            if (disagree) return { errors: [{ text: `trim ${t.id}: ${disagree}` }] };
            used.add(t.id);
            return { path: target.path };
          }
          used.add(t.id);
          // A path without slashes: the metafile then attributes the stub to no package (nothing to license).
          return { path: t.id, namespace: 'trim', pluginData: { dir: path.dirname(args.importer) } };
        });
      }
      build.onLoad({ filter: /.*/, namespace: 'trim' }, (args) => {
        const t = TRIMS.find((x) => x.id === args.path);
        return { contents: t.contents, loader: t.loader, resolveDir: args.pluginData.dir };
      });
    },
  };
}
