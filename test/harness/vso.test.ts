import * as assert from 'assert';
import { TaskCommand } from 'azure-pipelines-task-lib/taskcommand';
import {
  escapeVsoData,
  escapeVsoProperty,
  extractCommands,
  parseVsoLine,
  parseVsoOutput,
  splitAgentLines,
  unescapeVso,
} from '../../local-runner/execution/vso';

describe('harness/vso: ##vso[...] parser', () => {
  it('parses area, event, properties and data', () => {
    const c = parseVsoLine('##vso[task.setvariable variable=status;isOutput=true;]Completed');
    assert.ok(c);
    assert.strictEqual(c.area, 'task');
    assert.strictEqual(c.event, 'setvariable');
    assert.strictEqual(c.name, 'task.setvariable');
    assert.deepStrictEqual(c.properties, { variable: 'status', isoutput: 'true' });
    assert.strictEqual(c.data, 'Completed');
  });

  it('finds the prefix anywhere in the line, as the agent does', () => {
    const c = parseVsoLine('2024-01-01T00:00:00Z ##vso[build.addbuildtag]model-v3');
    assert.ok(c);
    assert.strictEqual(c.name, 'build.addbuildtag');
    assert.strictEqual(c.data, 'model-v3');
  });

  it('rejects what the agent rejects', () => {
    assert.strictEqual(parseVsoLine('plain text'), undefined);
    assert.strictEqual(parseVsoLine('##vso[task.complete result=Succeeded'), undefined, 'no ]');
    assert.strictEqual(parseVsoLine('##vso[taskcomplete]x'), undefined, 'no area.event');
    assert.strictEqual(parseVsoLine('##vso[a.b.c]x'), undefined, 'three parts');
    assert.strictEqual(parseVsoLine('##[error]not a command'), undefined);
  });

  it('ends the command info at the first ] and keeps later ] in the data', () => {
    const c = parseVsoLine('##vso[task.logissue type=error]array[0] is wrong]');
    assert.ok(c);
    assert.strictEqual(c.data, 'array[0] is wrong]');
  });

  it('ignores empty and key-less/value-less properties, splits at the first =, names case-insensitive', () => {
    const c = parseVsoLine('##vso[task.setvariable ;variable=a=b;=x;empty=;IsSecret=true]v');
    assert.ok(c);
    assert.deepStrictEqual(c.properties, { variable: 'a=b', issecret: 'true' });
  });

  it('unescapes %3B %0D %0A %5D then %AZP25, in properties and data, once', () => {
    assert.strictEqual(unescapeVso('a%3Bb%0Dc%0Ad%5De%AZP25f'), 'a;b\rc\nd]e%f');
    // double-encoded tokens decode only once (agent order: %AZP25 last)
    assert.strictEqual(unescapeVso('%AZP253B'), '%3B');
    const c = parseVsoLine('##vso[task.setvariable variable=x%3By]line1%0Aline2 100%AZP25');
    assert.ok(c);
    assert.strictEqual(c.properties['variable'], 'x;y');
    assert.strictEqual(c.data, 'line1\nline2 100%');
  });

  it('round-trips what azure-pipelines-task-lib writes', () => {
    const nasty = 'a;b]c\r\nd%3Be 100% %AZP25';
    const line = new TaskCommand('task.setvariable', { variable: 'v', isOutput: 'true', note: nasty }, nasty).toString();
    const c = parseVsoLine(line);
    assert.ok(c);
    assert.strictEqual(c.properties['note'], nasty);
    assert.strictEqual(c.data, nasty);
    assert.strictEqual(unescapeVso(escapeVsoProperty(nasty)), nasty);
    assert.strictEqual(unescapeVso(escapeVsoData(nasty)), nasty);
  });

  it('splits lines on CR, LF and CRLF like .NET ReadLine', () => {
    assert.deepStrictEqual(splitAgentLines('a\r\nb\rc\nd\n'), ['a', 'b', 'c', 'd']);
    assert.deepStrictEqual(splitAgentLines('a\n\nb'), ['a', '', 'b']);
    assert.deepStrictEqual(splitAgentLines(''), []);
  });

  it('extracts typed results from a whole output', () => {
    const out = [
      'Waiting for job',
      '##vso[task.setsecret]s3cr3t',
      '##vso[task.setvariable variable=status;isOutput=true;issecret=false;]Completed',
      '##vso[task.setvariable variable=token;issecret=true;]tok%3Ben',
      '##vso[task.setvariable variable=plain;]p',
      '##vso[task.uploadsummary]/tmp/summary.md',
      '##vso[artifact.upload containerfolder=model;artifactname=model;]/tmp/model.json',
      '##vso[build.addbuildtag]model-candidate',
      '##vso[task.logissue type=warning;]slow',
      '##vso[task.issue type=error;]bad',
      '##vso[task.setprogress value=50;]half',
      '##vso[task.complete result=SucceededWithIssues;]first',
      '##vso[task.complete result=Succeeded;]second',
      'done',
    ].join('\n');
    const { commands, lines } = parseVsoOutput(out);
    assert.deepStrictEqual(lines, ['Waiting for job', 'done']);
    const x = extractCommands(commands);
    assert.deepStrictEqual(x.outputs, { status: 'Completed' });
    assert.deepStrictEqual(Object.keys(x.variables).sort(), ['plain', 'status', 'token']);
    assert.strictEqual(x.variables['token']?.isSecret, true);
    assert.deepStrictEqual(x.secrets, ['s3cr3t', 'tok;en']);
    assert.deepStrictEqual(x.summaryFiles, ['/tmp/summary.md']);
    assert.deepStrictEqual(
      x.artifacts.map((a) => [a.artifactName, a.containerFolder, a.path]),
      [['model', 'model', '/tmp/model.json']],
    );
    assert.deepStrictEqual(x.buildTags, ['model-candidate']);
    assert.deepStrictEqual(
      x.issues.map((i) => [i.type, i.message]),
      [
        ['warning', 'slow'],
        ['error', 'bad'],
      ],
    );
    assert.deepStrictEqual(x.progress, [{ value: 50, message: 'half' }]);
    // the agent merges results, worst wins
    assert.deepStrictEqual(x.result, { result: 'SucceededWithIssues', message: 'first' });
    assert.strictEqual(x.completes.length, 2);
  });

  it('defaults task.complete without result to Succeeded', () => {
    const x = extractCommands(parseVsoOutput('##vso[task.complete]ok').commands);
    assert.deepStrictEqual(x.result, { result: 'Succeeded', message: 'ok' });
  });
});
