import { strict as assert } from 'node:assert';
import { parseYamlText, PyFloat, pythonFloatText, pythonText, pythonType, PyTimestamp } from '../../shared/azureml-pipeline/yaml-file';

/**
 * azure-ai-ml reads pipeline and component files with PyYAML's safe_load (YAML 1.1 and PyYAML's own
 * resolver, yaml/resolver.py + yaml/constructor.py). Every expectation below is what PyYAML 6.0.3's
 * `yaml.safe_load('a: <scalar>')['a']` returned, written as `<python type>:<str() of the value>`.
 */
function described(scalar: string): string {
  const v = (parseYamlText(`a: ${scalar}\n`, 't.yml') as { a: unknown }).a;
  if (v === null) return 'NoneType:None';
  if (typeof v === 'boolean') return `bool:${pythonText(v)}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `int:${String(v)}`;
  if (v instanceof PyFloat) return `float:${pythonText(v)}`;
  if (v instanceof PyTimestamp) return `${v.text.includes(' ') ? 'datetime' : 'date'}:${v.text}`;
  if (typeof v === 'string') return `str:${v}`;
  return `other:${JSON.stringify(v)}`;
}

const PYYAML: Array<[string, string]> = [
  // integers: octal by leading 0, 0b, 0x (lower-case x only), underscores, sexagesimal; 0o is not YAML 1.1
  ['010', 'int:8'],
  ['0o10', 'str:0o10'],
  ['0x1F', 'int:31'],
  ['0X1F', 'str:0X1F'],
  ['0b101', 'int:5'],
  ['1_000', 'int:1000'],
  ['1__0', 'int:10'],
  ['-0x_1A', 'int:-26'],
  ['+12', 'int:12'],
  ['-0', 'int:0'],
  ['00', 'int:0'],
  ['0_', 'int:0'],
  ['1:30', 'int:90'],
  ['12:30:00', 'int:45000'],
  ['0:30', 'str:0:30'],
  ['1:60', 'str:1:60'],
  ['09', 'str:09'],
  ['100000000000000000000', 'int:100000000000000000000'],
  ['123456789012345678901234567890', 'int:123456789012345678901234567890'],
  // floats: a dot is needed, an exponent needs its sign; sexagesimal with a fraction
  ['1e-3', 'str:1e-3'],
  ['1e+3', 'str:1e+3'],
  ['1e16', 'str:1e16'],
  ['1.0e-3', 'float:0.001'],
  ['1.0e+3', 'float:1000.0'],
  ['1.e+3', 'float:1000.0'],
  ['1.5', 'float:1.5'],
  ['.5', 'float:0.5'],
  ['1.', 'float:1.0'],
  ['3.', 'float:3.0'],
  ['08.5', 'float:8.5'],
  ['1_0.5_0', 'float:10.5'],
  ['0.0', 'float:0.0'],
  ['-0.0', 'float:-0.0'],
  ['0.0001', 'float:0.0001'],
  ['0.00001', 'float:1e-05'],
  ['1.0e+16', 'float:1e+16'],
  ['190:20:30.15', 'float:685230.15'],
  ['1:30.0', 'float:90.0'],
  ['-.inf', 'float:-inf'],
  ['+.inf', 'float:inf'],
  ['.NaN', 'float:nan'],
  // booleans: yes/no/on/off/true/false in three case forms, never y/n
  ['yes', 'bool:True'],
  ['Yes', 'bool:True'],
  ['YES', 'bool:True'],
  ['yEs', 'str:yEs'],
  ['no', 'bool:False'],
  ['on', 'bool:True'],
  ['Off', 'bool:False'],
  ['true', 'bool:True'],
  ['TRUE', 'bool:True'],
  ['tRue', 'str:tRue'],
  ['y', 'str:y'],
  ['n', 'str:n'],
  ['Y', 'str:Y'],
  ['N', 'str:N'],
  // null
  ['~', 'NoneType:None'],
  ['null', 'NoneType:None'],
  ['NULL', 'NoneType:None'],
  ['nUll', 'str:nUll'],
  ['', 'NoneType:None'],
  // timestamps
  ['2001-12-14', 'date:2001-12-14'],
  ['2001-12-14t21:59:43.10-05:00', 'datetime:2001-12-14 21:59:43.100000-05:00'],
  ['2001-12-14 21:59:43.10', 'datetime:2001-12-14 21:59:43.100000'],
  ['2002-12-14 21:59:43 +5', 'datetime:2002-12-14 21:59:43+05:00'],
  // quoting and explicit tags
  ['"010"', 'str:010'],
  ["'yes'", 'str:yes'],
  ['!!int "010"', 'int:8'],
  ['!!float 1e-3', 'float:0.001'],
  ['!!str 010', 'str:010'],
  ['! 010', 'int:8'],
  ['!!timestamp 2001-12-14', 'date:2001-12-14'],
];

describe('pipeline YAML: scalars as PyYAML safe_load resolves them', () => {
  for (const [scalar, expected] of PYYAML) {
    it(`${JSON.stringify(scalar)} → ${expected}`, () => assert.equal(described(scalar), expected));
  }

  it('refuses, with file:line:column, what safe_load cannot construct', () => {
    assert.throws(() => parseYamlText('a: =\n', 'p.yml'), {
      message: "YAML error in p.yml:1:4: could not determine a constructor for the tag 'tag:yaml.org,2002:value'",
    });
    assert.throws(() => parseYamlText('a: <<\n', 'p.yml'), {
      message: "YAML error in p.yml:1:4: could not determine a constructor for the tag 'tag:yaml.org,2002:merge'",
    });
    assert.throws(() => parseYamlText('x: 1\na: !foo x\n', 'p.yml'), {
      message: "YAML error in p.yml:2:9: could not determine a constructor for the tag '!foo'",
    });
    assert.throws(() => parseYamlText('a: !!bool y\n', 'p.yml'), {
      message: "YAML error in p.yml:1:11: 'y' is not a YAML boolean (yes/no, true/false, on/off)",
    });
    assert.throws(() => parseYamlText('a: 2001-02-30\n', 'p.yml'), {
      message: "YAML error in p.yml:1:4: '2001-02-30' is not a valid date or time",
    });
  });

  it('names a key PyYAML would not read as a string', () => {
    assert.throws(() => parseYamlText('jobs:\n  on: 1\n', 'p.yml'), {
      message: "YAML error in p.yml:2:3: key 'on' is read by az ml (PyYAML, YAML 1.1) as the boolean True, not a name; quote it ('on').",
    });
    assert.deepEqual(parseYamlText("jobs:\n  'on': 1\n  y: 2\n", 'p.yml'), { jobs: { on: 1, y: 2 } });
  });

  it('merges << mappings as PyYAML does: own keys win, then the first merged mapping', () => {
    assert.deepEqual(parseYamlText('b: &x {p: 1, q: 2}\nc:\n  <<: *x\n  q: 3\n', 'p.yml'), { b: { p: 1, q: 2 }, c: { p: 1, q: 3 } });
    assert.deepEqual(parseYamlText('b: &x {p: 1}\nd: &y {p: 2, r: 1}\nc:\n  <<: [*x, *y]\n', 'p.yml'), {
      b: { p: 1 },
      d: { p: 2, r: 1 },
      c: { p: 1, r: 1 },
    });
  });

  it('reports a syntax error with file, line and column', () => {
    assert.throws(() => parseYamlText('a: 1\nb: [1, 2\n', 'ml/p.yml'), /^UserError: YAML syntax error in ml\/p\.yml:3:1: /);
  });

  it("writes floats with Python's str() and types literals by their Python type", () => {
    // Python: str(1e22) '1e+22', str(123456.789) '123456.789', str(1/3) '0.3333333333333333', str(2.5e-7) '2.5e-07'
    assert.equal(pythonFloatText(1e22), '1e+22');
    assert.equal(pythonFloatText(123456.789), '123456.789');
    assert.equal(pythonFloatText(1 / 3), '0.3333333333333333');
    assert.equal(pythonFloatText(2.5e-7), '2.5e-07');
    assert.equal(pythonFloatText(1e15), '1000000000000000.0');
    assert.equal(pythonType(new PyFloat(1)), 'number');
    assert.equal(pythonType(1), 'integer');
    assert.equal(pythonType(10n ** 20n), 'integer');
    assert.equal(pythonType(true), 'boolean');
    assert.equal(pythonType('1e-3'), 'string');
  });
});
