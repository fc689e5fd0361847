import { strict as assert } from 'node:assert';
import { LocalRunError } from '../../local-runner/execution/run-pipeline';
import type { Stage } from '../../local-runner/pipeline-model';
import { deployment, job, marked, pipeline, run, script, stage } from './run-helpers';

const setOut = (name: string, value: string) => `echo "##vso[task.setvariable variable=${name};isOutput=true]${value}"`;

describe('runner: variables, macros and output variables', function () {
  it('scopes variables pipeline → stage → job, queue-time values override, predefined ones are set, unknown macros stay', async () => {
    const p = pipeline(
      [
        stage(
          'Build',
          [
            job(
              'J',
              [
                script(
                  'echo "OUT:$(where) $(only) "\'$(nope)\'" id=$(Build.BuildId) job=$(System.JobName) stage=$(System.StageName) os=$(Agent.OS) env=$WHERE/$BUILD_BUILDNUMBER"',
                ),
                script('echo "##vso[task.setvariable variable=made]in step 1"'),
                script('echo "OUT:$(made) / $MADE / $(Build.SourcesDirectory)" ; echo "OUT:cwd=$PWD"'),
              ],
              { variables: [{ name: 'where', value: 'job' }] },
            ),
          ],
          {
            variables: [
              { name: 'where', value: 'stage' },
              { name: 'only', value: 'stage-only' },
            ],
          },
        ),
      ],
      {
        variables: [
          { name: 'where', value: 'pipeline' },
          { name: 'pinned', value: 'yaml' },
        ],
      },
    );
    const { lines, sourcesDir } = await run(p, { buildId: 42, buildNumber: '20260101.3' });
    const out = marked(lines, 'OUT:');
    assert.deepEqual(out, [
      `job stage-only $(nope) id=42 job=J stage=Build os=Linux env=job/20260101.3`,
      `in step 1 / in step 1 / ${sourcesDir}`,
      `cwd=${sourcesDir}`,
    ]);
    const q = await run(p, { variables: { where: 'queue' } });
    assert.match(marked(q.lines, 'OUT:')[0]!, /^queue stage-only/);
  });

  it('passes output variables across steps, jobs ($[ dependencies ]) and stages (job: $[ stageDependencies ], stage: dependencies.S.outputs)', async () => {
    const p = pipeline([
      stage('Build', [
        job('Train', [script(setOut('model', 'm-7'), { name: 'train' }), script('echo "OUT:same job $(train.model) $TRAIN_MODEL"')]),
        job('Check', [script('echo "OUT:next job $(fromTrain) result=$(trainResult)"')], {
          dependsOn: ['Train'],
          condition: "and(succeeded(), eq(dependencies.Train.outputs['train.model'], 'm-7'))",
          variables: [
            { name: 'fromTrain', value: "$[ dependencies.Train.outputs['train.model'] ]" },
            { name: 'trainResult', value: '$[ dependencies.Train.result ]' },
          ],
        }),
      ]),
      stage(
        'Release',
        [
          job('R', [script('echo "OUT:next stage $(m) $(s)"')], {
            variables: [{ name: 'm', value: "$[ stageDependencies.Build.Train.outputs['train.model'] ]" }],
          }),
        ],
        {
          dependsOn: ['Build'],
          condition: "eq(dependencies.Build.outputs['Train.train.model'], 'm-7')",
          variables: [{ name: 's', value: "$[ dependencies.Build.outputs['Train.train.model'] ]" }],
        },
      ),
    ]);
    const { result, lines } = await run(p);
    assert.deepEqual(marked(lines, 'OUT:'), ['same job m-7 m-7', 'next job m-7 result=Succeeded', 'next stage m-7 m-7']);
    assert.equal(result.outputs['Build.Train.train.model'], 'm-7');
  });

  it("keys a runOnce deployment job's outputs <job>.<step>.<var>, for dependencies and in the run result", async () => {
    const p = pipeline([
      stage('Deploy', [
        deployment('Rollout', 'production', {
          deploy: [script(setOut('url', 'https://svc'), { name: 'ship' }), script('echo "OUT:env=$(Environment.Name) same=$(ship.url)"')],
          onSuccess: [script('echo "OUT:on success"')],
          onFailure: [script('echo "OUT:on failure"')],
        }),
        job('Smoke', [script('echo "OUT:smoke $(url)"')], {
          dependsOn: ['Rollout'],
          variables: [{ name: 'url', value: "$[ dependencies.Rollout.outputs['Rollout.ship.url'] ]" }],
        }),
      ]),
    ]);
    const { result, lines, log } = await run(p);
    assert.deepEqual(marked(lines, 'OUT:'), ['env=production same=https://svc', 'on success', 'smoke https://svc']);
    assert.equal(result.outputs['Deploy.Rollout.Rollout.ship.url'], 'https://svc');
    assert.match(log, /Environment 'production': approvals and checks are evaluated only on Azure DevOps/);
    // the job-form key is refused for a deployment job, naming the form it needs
    const wrong = pipeline([
      stage('Deploy', [
        p.stages[0]!.jobs[0]!,
        job('Smoke', [], { dependsOn: ['Rollout'], variables: [{ name: 'u', value: "$[ dependencies.Rollout.outputs['ship.url'] ]" }] }),
      ]),
    ]);
    await assert.rejects(
      run(wrong),
      /'Rollout' is a runOnce deployment job: its outputs are keyed 'Rollout.<step>.<variable>' \(e.g. 'Rollout.ship.url'\)/,
    );
  });

  it('refuses a $(step.var) that the step did not set, naming the reference, where, and what would set it', async () => {
    const p = pipeline([
      stage('Build', [
        job('Train', [script(setOut('model', 'm'), { name: 'train' }), script('echo $(train.modelName)', { name: 'show' })]),
      ]),
    ]);
    const err = await run(p).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof LocalRunError);
    assert.equal(
      err.message,
      "stage 'Build', job 'Train', step 'show', script: $(train.modelName) refers to an output variable that no step set: step 'train' in job 'Train' ran but did not set 'modelName'. " +
        'It would have to write ##vso[task.setvariable variable=modelName;isOutput=true]<value> (output variables it set: model).',
    );
  });

  it('refuses a dependencies.J.outputs[...] that no step set, when the job succeeded', async () => {
    const p = pipeline([
      stage('Build', [
        job('Train', [script('echo no outputs', { name: 'train' })]),
        job('Use', [script('echo $(m)')], {
          dependsOn: ['Train'],
          variables: [{ name: 'm', value: "$[ dependencies.Train.outputs['train.model'] ]" }],
        }),
      ]),
    ]);
    await assert.rejects(
      run(p),
      (e: Error) =>
        e.message ===
        "stage 'Build', job 'Use', variable 'm': dependencies.Train.outputs['train.model'] refers to an output variable that no step set: step 'train' in job 'Train' ran but did not set 'model'. " +
          'It would have to write ##vso[task.setvariable variable=model;isOutput=true]<value> (output variables it set: none).',
    );
  });

  it('statically refuses references to jobs, stages and steps that do not exist, and $(step.var) across jobs', async () => {
    const use = (value: string, dependsOn = ['Train']) =>
      pipeline([
        stage('Build', [
          job('Train', [script('true', { name: 'train' })]),
          job('Use', [script('true')], { dependsOn, variables: [{ name: 'v', value }] }),
        ]),
      ]);
    await assert.rejects(
      run(use("$[ dependencies.Trian.outputs['train.x'] ]")),
      /dependencies\.Trian\.outputs\['train\.x'\] names job 'Trian', which stage 'Build' does not have; its jobs: Train, Use/,
    );
    await assert.rejects(
      run(use("$[ dependencies.Train.outputs['trian.x'] ]")),
      /names step 'trian', which job 'Train' does not have; its named steps: train/,
    );
    await assert.rejects(
      run(use("$[ dependencies.Train.outputs['train.x'] ]", [])),
      /reads job 'Train', which job 'Use' does not depend on: add 'Train' to its dependsOn/,
    );
    await assert.rejects(
      run(use("$[ stageDependencies.Nope.J.outputs['s.v'] ]")),
      /names stage 'Nope', which does not exist; stages: Build/,
    );
    const stageLevel = (extra: Partial<Stage>) =>
      pipeline([
        stage('Build', [job('Train', [script(setOut('model', 'm-7'), { name: 'train' })])]),
        stage('Release', [job('R', [script('true')])], { dependsOn: ['Build'], ...extra }),
      ]);
    await assert.rejects(run(stageLevel({ condition: "eq(stageDependencies.Build.Train.outputs['train.model'], 'm-7')" })), {
      message:
        "stage 'Release', condition: stageDependencies.Build.Train.outputs['train.model'] is only available to jobs (job conditions and job variables). " +
        "At stage level (stage conditions and stage variables) another stage's outputs are read as dependencies.<stage>.outputs['<job>.<step>.<variable>']: write dependencies.Build.outputs['Train.train.model'].",
    });
    await assert.rejects(run(stageLevel({ variables: [{ name: 's', value: '$[ stageDependencies.Build.Train.result ]' }] })), {
      message:
        "stage 'Release', variable 's': stageDependencies.Build.Train.result is only available to jobs (job conditions and job variables). " +
        "At stage level (stage conditions and stage variables) another stage's outputs are read as dependencies.<stage>.outputs['<job>.<step>.<variable>']: write dependencies.Build.result.",
    });
    await assert.rejects(
      run(stageLevel({ variables: [{ name: 's', value: "$[ stageDependencies.Build.outputs['Train.train.model'] ]" }] })),
      /write dependencies\.Build\.outputs\['Train\.train\.model'\]\.$/,
    );
    const cross = pipeline([
      stage('Build', [
        job('Train', [script(setOut('x', '1'), { name: 'train' })]),
        job('Use', [script('echo $(train.x)')], { dependsOn: ['Train'] }),
      ]),
    ]);
    await assert.rejects(
      run(cross),
      /\$\(train\.x\) reads output variable 'x' of step 'train', which is in job 'Train' of stage 'Build'; \$\(step\.var\) only sees steps of the same job\. Map it into a variable of job 'Use': \$\[ dependencies\.Train\.outputs\['train\.x'\] \]/,
    );
  });
});
