// `twinloop start` options that only the command line gives: who may scrape /metrics, and which
// reverse proxies are believed. Parsed as the CLI parses them; bad input is refused with the
// usage error a person can act on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commandHelp, parseCli, UsageError, type StartArgs } from '../../core/cli/args.ts';

const start = (...argv: string[]): StartArgs => parseCli(['start', ...argv]) as StartArgs;

test('metrics: viewers only by default; a token file or public on request, not both', () => {
  assert.is(start().metrics, undefined);
  assert.equal(start('--metrics-token-file', '/etc/twinloop/scrape.token').metrics, { tokenFile: '/etc/twinloop/scrape.token' });
  assert.equal(start('--metrics-public').metrics, { public: true });
  assert.throws(() => start('--metrics-public', '--metrics-token-file', 'x'), (e: Error) => e instanceof UsageError && /choose one/.test(e.message));
});

test('--trust-proxy takes addresses and CIDR ranges, never everyone', () => {
  assert.is(start().trustProxy, undefined);
  assert.equal(start('--trust-proxy', '127.0.0.1, 10.0.0.0/8,::1').trustProxy, ['127.0.0.1', '10.0.0.0/8', '::1']);
  assert.throws(() => start('--trust-proxy', 'true'), /addresses or CIDR ranges/);
  assert.throws(() => start('--trust-proxy', ','), /addresses or CIDR ranges/);
});

test('`twinloop <command> --help`: that command\'s usage and purpose; start lists the options', () => {
  const check = commandHelp('check')!;
  assert.match(check, /^usage:\n  twinloop check FILE\|DIR\.\.\. \[--emit\]/);
  assert.match(check, /compile Structured Text/);
  assert.not.match(check, /twinloop start/);
  assert.match(commandHelp('start')!, /options:\n  --line FILE/);
  assert.match(commandHelp('user')!, /twinloop user list\|passwd NAME\|role NAME R/);
  assert.is(commandHelp('frobnicate'), undefined);
});

test.run();
