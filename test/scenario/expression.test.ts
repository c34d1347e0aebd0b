// The condition language: precedence, functions, time, and precise compile errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileExpression, ExpressionError } from '../../core/scenario/expression.ts';

const ids = new Map([['bin1.count', 0], ['pusher1.extended', 1], ['pe2.blocked', 2], ['m1.speed', 3]]);
const resolve = (n: string): number | undefined => ids.get(n);
const v = Float64Array.from([3, 1, 0, -12.5]);
const ev = (src: string, time = 0): number => compileExpression(src, resolve).bind(v, Float64Array.of(time))();

test('comparisons and logic over signal names', () => {
  assert.is(ev('bin1.count >= 3'), 1);
  assert.is(ev('bin1.count > 3'), 0);
  assert.is(ev('pusher1.extended == 1 && pe2.blocked == 0'), 1);
  assert.is(ev('pusher1.extended == 0 || pe2.blocked == 1'), 0);
  assert.is(ev('!pe2.blocked'), 1);
  assert.is(ev('bin1.count != 3'), 0);
});

test('arithmetic precedence, unary minus, parentheses, functions, true/false, time', () => {
  assert.is(ev('1 + 2 * 3 == 7'), 1);
  assert.is(ev('(1 + 2) * 3 == 9'), 1);
  assert.is(ev('-bin1.count + 1 == -2'), 1);
  assert.is(ev('10 / 4 - 0.5 == 2'), 1);
  assert.is(ev('abs(m1.speed) > 12'), 1);
  assert.is(ev('max(bin1.count, 10) - min(1, 2) == 9'), 1);
  assert.is(ev('true && !false'), 1);
  assert.is(ev('time >= 2.5', 3), 1);
  assert.is(ev('time >= 2.5', 2), 0);
  assert.is(ev('(bin1.count > 1) + (pe2.blocked > 0) == 1'), 1, 'a condition used as a number is 0/1');
  assert.is(ev('m1.speed'), 1, 'a number used as a condition: non-zero is true');
  assert.is(ev('pe2.blocked'), 0);
});

test('a bound condition reads the live array: bind once, evaluate many times', () => {
  const values = new Float64Array(4);
  const clock = new Float64Array(1);
  const c = compileExpression('bin1.count >= 3 && time < 10', resolve).bind(values, clock);
  assert.is(c(), 0);
  values[0] = 3;
  assert.is(c(), 1);
  clock[0] = 10;
  assert.is(c(), 0);
});

test('quality(signal) reads the quality array', () => {
  const q = new Uint8Array(4);
  const c = compileExpression('quality(m1.speed) == 2 && m1.speed > 0', resolve).bind(v, new Float64Array(1), q);
  assert.is(c(), 0);
  q[3] = 2;
  assert.is(c(), 0, 'm1.speed is -12.5');
  assert.is(compileExpression('quality(m1.speed) == 2', resolve).bind(v, new Float64Array(1), q)(), 1);
  assert.throws(() => compileExpression('quality(3) == 2', resolve), /quality\(\) takes a signal name, got "3" at column 9/);
  assert.throws(() => compileExpression('quality(nope.x) == 2', resolve), /quality\(\) takes a signal name, got "nope.x"/);
});

test('signals are listed once, in order of first use', () => {
  const c = compileExpression('pe2.blocked == 0 && bin1.count > 1 && pe2.blocked != 1', resolve);
  assert.equal(c.signals, ['pe2.blocked', 'bin1.count']);
});

test('compile errors say what and where', () => {
  const err = (src: string): ExpressionError => {
    try {
      compileExpression(src, resolve, () => [...ids.keys()]);
    } catch (e) {
      assert.instance(e, ExpressionError);
      return e as ExpressionError;
    }
    throw new Error(`no error for ${src}`);
  };
  assert.match(err('bin1.cnt >= 3').message, /unknown signal bin1\.cnt at column 1; signals of bin1: bin1\.count/);
  assert.match(err('bin1.count = 3').message, /"=" at column 12: use ==/);
  assert.match(err('bin1.count & 1').message, /use &&/);
  assert.match(err('bin1.count >= ').message, /expected a signal, number or "\(" at column 15, got end of condition/);
  assert.match(err('(bin1.count').message, /expected "\)"/);
  assert.match(err('bin1.count 3').message, /unexpected "3" at column 12/);
  assert.match(err('abs(1, 2)').message, /abs\(\) takes 1 argument/);
  assert.match(err('bin1.count # 2').message, /unexpected character "#" at column 12/);
  assert.match(err('1 < 2 == 1').message, /unexpected "==" at column 7/, 'comparisons do not chain');
  assert.is(err('pe2.blocked == 0 && x.y').column, 20);
});

test.run();
