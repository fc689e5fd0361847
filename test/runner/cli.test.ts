import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, parseCliArgs } from '../../local-runner/cli';

/** Runs the cli with console.log/error captured. */
async function cli(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (m: string) => out.push(String(m));
  console.error = (m: string) => err.push(String(m));
  try {
    return { code: await main(argv), out, err };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

function files(entries: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  for (const [rel, text] of Object.entries(entries)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('runner: cli', function () {
  it('parses the pipeline file, --param and --var pairs (values may contain =)', () => {
    assert.deepEqual(parseCliArgs(['ml-build.yml', '--param', 'env=dev', '--var', 'a=b=c', '--var', 'x=', '--repo', 'templates=/tmp/t']), {
      file: 'ml-build.yml',
      parameters: { env: 'dev' },
      variables: { a: 'b=c', x: '' },
      repositories: { templates: '/tmp/t' },
      reason: 'Manual',
    });
    assert.equal(parseCliArgs(['p.yml', '--reason', 'schedule']).reason, 'Schedule');
    assert.throws(
      () => parseCliArgs(['p.yml', '--reason', 'Nightly']),
      /--reason needs one of Manual, IndividualCI, BatchedCI, Schedule, ValidateShelveset, CheckInShelveset, PullRequest, ResourceTrigger \(got 'Nightly'\)/,
    );
  });

  it('--reason sets Build.Reason for ${{ }} and for the run alike', async () => {
    const dir = files({
      'p.yml':
        "steps:\n- ${{ if eq(variables['Build.Reason'], 'Schedule') }}:\n  - bash: echo \"nightly run, reason $(Build.Reason)\"\n- ${{ else }}:\n  - bash: echo \"manual run, reason $(Build.Reason) on ${{ variables['Build.SourceBranchName'] }}\"\n",
    });
    const scheduled = await cli([path.join(dir, 'p.yml'), '--reason', 'Schedule']);
    assert.equal(scheduled.code, 0);
    assert.ok(scheduled.out.includes('nightly run, reason Schedule'), scheduled.out.join('\n'));
    const manual = await cli([path.join(dir, 'p.yml')]);
    assert.ok(manual.out.includes('manual run, reason Manual on local'), manual.out.join('\n'));
  });

  it('refuses a malformed pair, an unknown option and a missing file name', () => {
    assert.throws(() => parseCliArgs(['p.yml', '--param', 'novalue']), /--param needs name=value \(got 'novalue'\)/);
    assert.throws(() => parseCliArgs(['p.yml', '--verbose']), /unknown option '--verbose'/);
    assert.throws(() => parseCliArgs([]), /^LocalRunError: usage: tsx local-runner\/cli\.ts <pipeline\.yml>/);
  });

  it('exits 1 with one error line for a file that does not exist', async () => {
    const errors: string[] = [];
    const orig = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      assert.equal(await main(['/nonexistent/pipeline.yml']), 1);
    } finally {
      console.error = orig;
    }
    assert.deepEqual(errors, ['error: pipeline file not found: /nonexistent/pipeline.yml']);
  });

  it('expands and runs a YAML pipeline with a template from a --repo folder, typed --param values and output variables', async () => {
    const templates = files({
      'steps/greet.yml':
        "parameters:\n  - name: times\n    type: number\nsteps:\n  - ${{ each i in split('1,2,3', ',') }}:\n    - ${{ if le(i, parameters.times) }}:\n      - bash: echo \"hello ${{ i }}\"\n",
    });
    const repo = files({
      'azure-pipelines.yml':
        'parameters:\n  - name: times\n    type: number\n    default: 1\nresources:\n  repositories:\n    - repository: shared\n      type: git\n      name: org/shared\nsteps:\n  - template: steps/greet.yml@shared\n    parameters:\n      times: ${{ parameters.times }}\n  - bash: echo "##vso[task.setvariable variable=n;isOutput=true]$(( 40 + 2 ))"\n    name: calc\n  - bash: echo "answer $(calc.n) for $(who)"\n',
    });
    const r = await cli([
      path.join(repo, 'azure-pipelines.yml'),
      '--repo',
      `shared=${templates}`,
      '--param',
      'times=2',
      '--var',
      'who=you',
    ]);
    assert.equal(r.code, 0, [...r.out, ...r.err].join('\n'));
    assert.ok(r.out.includes('hello 1') && r.out.includes('hello 2') && !r.out.includes('hello 3'), r.out.join('\n'));
    assert.ok(r.out.includes('answer 42 for you'), r.out.join('\n'));
  });

  it('exits 1 naming the construct it does not support, and a parameter of the wrong type', async () => {
    const repo = files({
      'p.yml': 'steps:\n  - powershell: Write-Host hi\n',
      'q.yml': 'parameters:\n  - name: n\n    type: number\nsteps:\n  - bash: echo ${{ parameters.n }}\n',
    });
    const unsupported = await cli([path.join(repo, 'p.yml')]);
    assert.equal(unsupported.code, 1);
    assert.equal(unsupported.err.length, 1);
    assert.match(unsupported.err[0], /^error: .*p\.yml.*powershell.*not supported by the local runner/s);
    const wrongType = await cli([path.join(repo, 'q.yml'), '--param', 'n=lots']);
    assert.equal(wrongType.code, 1);
    assert.match(wrongType.err[0], /^error: .*q\.yml.*'n'.*number.*'lots'/s);
  });
});
