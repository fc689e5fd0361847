import { strict as assert } from 'node:assert';
import {
  evaluateExpression,
  ExpressionContext,
  ExpressionError,
  toBoolean,
  toDisplayString,
} from '../../local-runner/evaluation/expressions';

const compileTime: ExpressionContext = {
  values: {
    parameters: { Flag: true, count: 3, list: ['a', 'b'], obj: { Key: 'v', n: 1 }, empty: '' },
    variables: { 'Build.Reason': 'Manual', configuration: 'Release' },
    dependencies: { Build: { result: 'Succeeded', outputs: { 'setVars.tag': 'v1' } }, Test: { result: 'Failed' } },
  },
};

const ev = (text: string, ctx: ExpressionContext = compileTime): unknown => evaluateExpression(text, ctx);

function throwsExactly(text: string, message: string, ctx: ExpressionContext = compileTime): void {
  assert.throws(
    () => ev(text, ctx),
    (e: unknown) => e instanceof ExpressionError && e.message === message,
  );
}

describe('expressions: literals and access', () => {
  it('parses string, number, boolean and null literals', () => {
    assert.equal(ev("'it''s'"), "it's");
    assert.equal(ev('-1.5'), -1.5);
    assert.equal(ev('.5'), 0.5);
    assert.equal(ev('TRUE'), true);
    assert.equal(ev('false'), false);
    assert.equal(ev('null'), null);
    assert.equal(toDisplayString(ev('1.2.3')), '1.2.3');
  });

  it('looks up named values and properties case-insensitively, with both syntaxes', () => {
    assert.equal(ev('parameters.flag'), true);
    assert.equal(ev("variables['build.reason']"), 'Manual');
    assert.equal(ev('VARIABLES.Configuration'), 'Release');
    assert.equal(ev("dependencies.build.outputs['setVars.tag']"), 'v1');
    assert.equal(ev('parameters.list[1]'), 'b');
    assert.equal(ev('parameters.obj.key'), 'v');
  });

  it('gives null for a missing property, a missing index, or a property of a scalar', () => {
    assert.equal(ev('variables.nope'), null);
    assert.equal(ev('parameters.list[5]'), null);
    assert.equal(ev('parameters.count.x'), null);
  });

  it('maps property access over a wildcard', () => {
    assert.deepEqual(ev('dependencies.*.result'), ['Succeeded', 'Failed']);
    assert.equal(ev("containsValue(dependencies.*.result, 'failed')"), true);
  });
});

describe('expressions: coercion (documented type-casting rules)', () => {
  it('eq converts the right side to the left side type', () => {
    assert.equal(ev("eq(parameters.flag, 'true')"), true); // 'true' → Boolean true
    assert.equal(ev("eq(true, 'false')"), true); // any non-empty string is true
    assert.equal(ev("eq(false, '')"), true);
    assert.equal(ev("eq('True', true)"), true); // true → 'True', ignore case
    assert.equal(ev("eq(1, '1.0')"), true);
    assert.equal(ev("eq(1000, '1,000')"), true); // thousands separators are allowed
    assert.equal(ev("eq('1.0', 1)"), false); // 1 → '1', compared as strings
    assert.equal(ev("eq(1, 'abc')"), false); // failed conversion is not-equal, not an error
    assert.equal(ev("ne(1, 'abc')"), true);
    assert.equal(ev("eq(null, '')"), true);
    assert.equal(ev('eq(null, 0)'), false);
    assert.equal(ev("eq(0, '')"), true); // empty string → 0
  });

  it('compares strings ordinally ignoring case', () => {
    assert.equal(ev("eq('ABC', 'abc')"), true);
    assert.equal(ev("gt('b', 'A')"), true);
    assert.equal(ev("lt('B', 'a')"), false);
  });

  it('orders numbers numerically when the left is a number, even against a string', () => {
    assert.equal(ev("gt(parameters.count, '10')"), false);
    assert.equal(ev("gt('3', 10)"), true); // left is a string: '3' > '10' as text
    assert.equal(ev('ge(2, 2)'), true);
    assert.equal(ev('le(false, true)'), true);
    assert.equal(ev("gt(1.10.0, '1.9')"), true); // versions by segment
  });

  it('makes ordering an error when the right side does not convert', () => {
    throwsExactly("gt(1, 'abc')", "Invalid expression 'gt(1, 'abc')': cannot convert String 'abc' to Number for comparison.");
  });

  it('toBoolean follows the service: only null, false, 0, NaN and empty string are false', () => {
    assert.deepEqual([null, undefined, false, 0, NaN, ''].map(toBoolean), [false, false, false, false, false, false]);
    assert.deepEqual(['false', '0', -1, [], {}].map(toBoolean), [true, true, true, true, true]);
    assert.equal(ev("and(parameters.flag, 'false')"), true);
    assert.equal(ev("not('')"), true);
  });

  it('toDisplayString prints booleans as True/False, null as empty, objects as JSON', () => {
    assert.equal(toDisplayString(true), 'True');
    assert.equal(toDisplayString(false), 'False');
    assert.equal(toDisplayString(null), '');
    assert.equal(toDisplayString(2.5), '2.5');
    assert.equal(toDisplayString({ a: [1] }), '{\n  "a": [\n    1\n  ]\n}');
  });
});

describe('expressions: functions', () => {
  it('and/or short-circuit, so an error on the untaken side is not raised', () => {
    assert.equal(ev("and(false, gt(1, 'abc'))"), false);
    assert.equal(ev("or(true, gt(1, 'abc'))"), true);
    assert.equal(ev('xor(true, false)'), true);
  });

  it('in / notIn compare with eq semantics', () => {
    assert.equal(ev("in('B', 'a', 'b')"), true);
    assert.equal(ev("notIn(variables.configuration, 'Debug', 'Test')"), true);
    assert.equal(ev("in(2, '1', '2.0')"), true);
  });

  it('string functions ignore case and convert their arguments to strings', () => {
    assert.equal(ev("contains('ABC', 'b')"), true);
    assert.equal(ev("startsWith('refs/heads/Main', 'REFS/heads')"), true);
    assert.equal(ev("endsWith('model.onnx', '.ONNX')"), true);
    assert.equal(ev("contains(true, 'ru')"), true);
    assert.equal(ev("lower('AbC')"), 'abc');
    assert.equal(ev("upper('AbC')"), 'ABC');
    assert.equal(ev("replace('a-b-c', '-', '_')"), 'a_b_c');
    assert.deepEqual(ev("split('a;b;;c', ';')"), ['a', 'b', '', 'c']);
  });

  it('coalesce skips null and empty strings', () => {
    assert.equal(ev("coalesce(variables.nope, parameters.empty, 'x')"), 'x');
    assert.equal(ev('coalesce(variables.nope, parameters.empty)'), null);
  });

  it('format inserts display strings and honours {{ }} escapes', () => {
    assert.equal(ev("format('{0}-{1}-{0}', parameters.flag, 1.5)"), 'True-1.5-True');
    assert.equal(ev("format('{{{0}}}', 'x')"), '{x}');
    throwsExactly("format('{1}', 'x')", "Invalid expression 'format('{1}', 'x')': format() placeholder {1} has no argument.");
  });

  it('join, length and convertToJson', () => {
    assert.equal(ev("join(', ', parameters.list)"), 'a, b');
    assert.equal(ev("join(',', 'solo')"), 'solo');
    assert.equal(ev('length(parameters.list)'), 2);
    assert.equal(ev("length('abcd')"), 4);
    assert.equal(ev('length(parameters.obj)'), 2);
    assert.equal(ev('convertToJson(parameters.list)'), '[\n  "a",\n  "b"\n]');
  });

  it('iif picks a branch', () => {
    assert.equal(ev("iif(parameters.flag, 'yes', 'no')"), 'yes');
  });
});

describe('expressions: status functions', () => {
  const calls: Array<[string, string[] | undefined]> = [];
  const runtime: ExpressionContext = {
    values: {},
    status: {
      succeeded: (d) => {
        calls.push(['succeeded', d]);
        return d === undefined;
      },
      failed: (d) => {
        calls.push(['failed', d]);
        return d?.includes('Test') ?? false;
      },
      succeededOrFailed: () => true,
      canceled: () => false,
    },
  };

  it('passes job/stage names through and evaluates always()', () => {
    assert.equal(ev('succeeded()', runtime), true);
    assert.equal(ev("failed('Build', 'Test')", runtime), true);
    assert.equal(ev("succeeded('Build')", runtime), false);
    assert.equal(ev('and(always(), not(canceled()))', runtime), true);
    assert.deepEqual(calls, [
      ['succeeded', undefined],
      ['failed', ['Build', 'Test']],
      ['succeeded', ['Build']],
    ]);
  });

  it('refuses status functions at compile time', () => {
    throwsExactly(
      'always()',
      "Invalid expression 'always()': always() is a runtime status function and cannot be used in a compile-time expression.",
    );
  });
});

describe('expressions: errors name the text and the problem', () => {
  const cases: Array<[string, string]> = [
    ['eq(1,', 'unexpected end of expression'],
    ['foo(1)', "unrecognized function 'foo'"],
    ['and(false, foo())', "unrecognized function 'foo'"],
    ['eq(1)', 'eq() takes 2 arguments, got 1'],
    ['"x"', "unexpected character '\"' at position 1"],
    ['1 2', "unexpected '2' at position 3"],
    ["'abc", 'unterminated string starting at position 1'],
    ['', 'the expression is empty'],
    ['nope.x', "unrecognized value 'nope' (available here: parameters, variables, dependencies)"],
    ["counter('a', 1)", 'counter() is not supported by the local runner (it needs the Azure DevOps service)'],
    ['length(5)', 'length() expects a string, array or object, got Number'],
  ];
  for (const [text, what] of cases) {
    it(`${text || '(empty)'} → ${what}`, () => throwsExactly(text, `Invalid expression '${text}': ${what}.`));
  }
});
