import { strict as assert } from 'node:assert';
import { anonymousEnvironmentVersion, translatedCondaFile } from '../../shared/azureml-pipeline/anonymous-environment';
import { pyyamlDump } from '../../shared/azureml-pipeline/pyyaml-dump';
import { parseYamlText } from '../../shared/azureml-pipeline/yaml-file';

/**
 * Expected values come from PyYAML 6.0.3 (`yaml.dump(yaml.safe_load(text), Dumper=…, sort_keys=True)`,
 * azure-ai-ml's dump_yaml) and from azure-ai-ml's Environment._generate_anonymous_name_version run
 * in Python on the same inputs; to regenerate, run those two calls on the texts below.
 */
describe('conda file as azure-ai-ml sends it (PyYAML dump, sorted keys)', () => {
  it("writes the example's conda file byte for byte as az ml does", () => {
    const text =
      'name: credit-risk-train\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.10\n  - pip\n  - pip:\n      - scikit-learn==1.5.2\n      - pandas==2.2.3\n      - mlflow==2.17.2\n      - azureml-mlflow==1.58.0\n';
    assert.equal(
      translatedCondaFile(text, 'conda.yml'),
      'channels:\n- conda-forge\ndependencies:\n- python=3.10\n- pip\n- pip:\n  - scikit-learn==1.5.2\n  - pandas==2.2.3\n  - mlflow==2.17.2\n  - azureml-mlflow==1.58.0\nname: credit-risk-train\n',
    );
  });

  it('quotes what would read back as another type or as YAML syntax, escapes what is not ASCII, folds past 80 columns', () => {
    const text = [
      'dependencies:',
      '- pip:',
      '  - --extra-index-url https://pkgs.dev.azure.com/contoso/_packaging/ml-feed/pypi/simple/ with a very long tail beyond eighty',
      "  - 'yes'",
      "  - '3.8'",
      '  - "1e-3"',
      '  - "010"',
      '  - ""',
      '  - " leading space"',
      '  - "a: b"',
      '  - "- dash"',
      '  - "it\'s"',
      '  - "tab\\there"',
      '  - "caf\\u00e9"',
      '  - "a #b"',
      '  - "?q"',
      'empty: []',
      'variables: {}',
      'version: 3.8',
      'small: 1.0e-5',
      'exp: 1e+20',
      'big: 12345678901234567890',
      'nested:',
      '  z: 1',
      '  a:',
      '    - [1, 2]',
      '    - k: v',
      '      b: [x]',
      "quoted: 'A very long single quoted value: it has a colon-space so it cannot be plain, and it runs past eighty columns'",
    ].join('\n');
    assert.equal(
      pyyamlDump(parseYamlText(text, 'x.yml')),
      [
        'big: 12345678901234567890',
        'dependencies:',
        '- pip:',
        '  - --extra-index-url https://pkgs.dev.azure.com/contoso/_packaging/ml-feed/pypi/simple/',
        '    with a very long tail beyond eighty',
        "  - 'yes'",
        "  - '3.8'",
        '  - 1e-3',
        "  - '010'",
        "  - ''",
        "  - ' leading space'",
        "  - 'a: b'",
        "  - '- dash'",
        "  - it's",
        '  - "tab\\there"',
        '  - "caf\\xE9"',
        "  - 'a #b'",
        '  - ?q',
        'empty: []',
        'exp: 1e+20',
        'nested:',
        '  a:',
        '  - - 1',
        '    - 2',
        '  - b:',
        '    - x',
        '    k: v',
        '  z: 1',
        "quoted: 'A very long single quoted value: it has a colon-space so it cannot be plain,",
        "  and it runs past eighty columns'",
        'small: 1.0e-05',
        'variables: {}',
        'version: 3.8',
        '',
      ].join('\n'),
    );
  });

  it('ends a root scalar as PyYAML does (open-ended plain scalars get ...)', () => {
    assert.equal(pyyamlDump('hello'), 'hello\n...\n');
    assert.equal(pyyamlDump('3'), "'3'\n");
    assert.equal(pyyamlDump(''), "''\n");
  });
});

describe("anonymous environment version (azure-ai-ml's hash, quirk included)", () => {
  const image = 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240709.v1';
  const conda =
    'channels:\n- conda-forge\ndependencies:\n- python=3.10\n- pip\n- pip:\n  - scikit-learn==1.5.2\n  - pandas==2.2.3\n  - mlflow==2.17.2\n  - azureml-mlflow==1.58.0\nname: credit-risk-train\n';
  it('image, image + conda file', () => {
    assert.equal(anonymousEnvironmentVersion({ image }), '710383661df9fad51535a9ed581decb4');
    assert.equal(anonymousEnvironmentVersion({ image, condaText: conda }), 'c7fa33ab60780fb29413653cd285cb63');
  });
  it('a Docker build context, with and without a dockerfile path', () => {
    assert.equal(anonymousEnvironmentVersion({ uploadHash: '0123456789abcdef0123456789abcdef' }), 'd9595af1b3f9f4cced7155ca07069801');
    assert.equal(
      anonymousEnvironmentVersion({ uploadHash: '0123456789abcdef0123456789abcdef', dockerfilePath: 'docker/Dockerfile.gpu' }),
      '667206b29df69861fcac85044fa26298',
    );
  });
});
