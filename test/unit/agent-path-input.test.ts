import { strict as assert } from 'node:assert';
import {
  agentPathsFrom,
  AgentPaths,
  classifyPathInput,
  PathKind,
  unresolvedMacro,
  unsetVariableMessage,
} from '../../shared/task/agent-path-input';
import { parseResourceName } from '../../shared/task/input-parsers';

/** A file system of a few known paths: the decision is tested without touching the disk. */
function fakePaths(roots: string[], entries: Record<string, PathKind>, ignoreCase = false): AgentPaths {
  return { roots, kind: (p) => entries[p] ?? 'missing', ignoreCase };
}

describe('agent filePath inputs: not set, an unset variable, or a path', () => {
  const repo = '/agent/_work/1/s';
  const paths = fakePaths([repo], { [repo]: 'directory', [`${repo}/tests`]: 'directory', [`${repo}/tests/payload.json`]: 'file' });

  it('an empty value and the repository root (what the agent hands over for empty) are "not set"', () => {
    assert.deepEqual(classifyPathInput('', 'file', paths), { state: 'notSet', why: 'empty', value: '' });
    assert.deepEqual(classifyPathInput(`  ${repo}  `, 'file', paths), { state: 'notSet', why: 'root', value: repo });
    assert.deepEqual(classifyPathInput(`${repo}/`, 'folder', paths), { state: 'notSet', why: 'root', value: `${repo}/` });
  });

  it('a folder where a file is expected is "not set"; a folder where a folder is expected is a path', () => {
    assert.equal(classifyPathInput(`${repo}/tests`, 'file', paths).state, 'notSet');
    assert.deepEqual(classifyPathInput(`${repo}/tests`, 'folder', paths), { state: 'path', path: `${repo}/tests` });
    assert.deepEqual(classifyPathInput(`${repo}/tests/payload.json`, 'file', paths), { state: 'path', path: `${repo}/tests/payload.json` });
  });

  it('a missing file stays a path, so the reader names it in its "cannot be read" line', () => {
    assert.deepEqual(classifyPathInput(`${repo}/nope.json`, 'file', paths), { state: 'path', path: `${repo}/nope.json` });
  });

  it('an unset $(Var) anywhere in the value is reported as the user wrote it, without the root the agent put in front', () => {
    assert.deepEqual(classifyPathInput(`${repo}/$(Pipeline.Workspace)/model/model.json`, 'file', paths), {
      state: 'unresolved',
      value: '$(Pipeline.Workspace)/model/model.json',
      macro: '$(Pipeline.Workspace)',
    });
    assert.deepEqual(classifyPathInput('/data/$(Env)/conda.yml', 'file', paths), {
      state: 'unresolved',
      value: '/data/$(Env)/conda.yml',
      macro: '$(Env)',
    });
  });

  it('compares with the root case-insensitively on Windows only', () => {
    const win = fakePaths(['C:\\a\\1\\s'], {}, true);
    assert.equal(classifyPathInput('c:\\A\\1\\S', 'folder', { ...win, roots: ['c:\\a\\1\\s'] }).state, 'notSet');
    const linux = fakePaths(['/a/1/s'], {});
    assert.equal(classifyPathInput('/A/1/S', 'folder', linux).state, 'path');
  });

  it('roots come from the job: sources and default working directory; the artifacts directory only in a release', () => {
    const build: Record<string, string> = {
      'System.DefaultWorkingDirectory': '/w/1/s',
      'Build.SourcesDirectory': '/w/1/s',
      'System.ArtifactsDirectory': '/w/1/a',
      'Pipeline.Workspace': '/w/1',
      'System.HostType': 'build',
    };
    const b = agentPathsFrom(
      (n) => build[n],
      () => 'missing',
      'linux',
    );
    assert.deepEqual(b.roots, ['/w/1/s', '/w/1/s']);
    assert.equal(b.artifactsFolder, '/w/1', 'YAML downloads go to Pipeline.Workspace');
    assert.equal(b.ignoreCase, false);
    const release: Record<string, string> = {
      'System.DefaultWorkingDirectory': '/w/r1/a',
      'Release.ArtifactsDirectory': '/w/r1/a',
      'System.ArtifactsDirectory': '/w/r1/a',
      'System.HostType': 'release',
    };
    const r = agentPathsFrom(
      (n) => release[n],
      () => 'missing',
      'win32',
    );
    assert.deepEqual(r.roots, ['/w/r1/a', '/w/r1/a', '/w/r1/a']);
    assert.equal(r.artifactsFolder, '/w/r1/a', 'a classic release downloads into its artifacts directory');
    assert.equal(r.ignoreCase, true);
  });

  it('finds the first $( anywhere and writes one line naming the input, the value and the fix', () => {
    assert.equal(unresolvedMacro('credit-$(Env.Suffix)'), '$(Env.Suffix)');
    assert.equal(unresolvedMacro('plain'), undefined);
    assert.equal(
      unsetVariableMessage('modelName', '$(Model)', '$(Model)', 'set it'),
      "'modelName' is '$(Model)', a pipeline variable that is not set in this job; set it",
    );
    assert.equal(
      unsetVariableMessage('modelJson', '$(P)/m.json', '$(P)', 'fix'),
      "'modelJson' is '$(P)/m.json', which holds $(P), a pipeline variable that is not set in this job; fix",
    );
  });

  it('names inside text with an unset variable get the tailored message, not the generic name rule', () => {
    assert.throws(() => parseResourceName('workspaceName', 'mlw-$(Env)'), {
      message:
        "'workspaceName' is 'mlw-$(Env)', which holds $(Env), a pipeline variable that is not set in this job; set it or give the value directly",
    });
  });
});
