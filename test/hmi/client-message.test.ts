// Unit tests of client message decoding with hand-written msgpack bytes and no socket: what is
// accepted, and that every malformed shape is a WS_BAD_MESSAGE with a reason.

import { encode } from '@msgpack/msgpack';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isTwinloopError } from '../../core/errors.ts';
import { decodeClientMessage } from '../../hmi/server/client-message.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

function refused(bytes: Uint8Array, reason: RegExp): void {
  try {
    decodeClientMessage(bytes, 10);
  } catch (err) {
    assert.ok(isTwinloopError(err, 'WS_BAD_MESSAGE'), String(err));
    assert.match((err as Error).message, reason);
    return;
  }
  assert.unreachable(`accepted ${Buffer.from(bytes).toString('hex')}`);
}

test('ping from raw bytes: fixmap{ t: "ping", id: 7 }', () => {
  // 82 = map of 2; a1 74 = "t"; a4 70696e67 = "ping"; a2 6964 = "id"; 07
  assert.equal(decodeClientMessage(hex('82 a174 a470696e67 a26964 07'), 10), { t: 'ping', id: 7 });
});

test('subscribe all and subscribe ids', () => {
  assert.equal(decodeClientMessage(encode({ t: 'subscribe', ids: 'all' }), 10), { t: 'subscribe', ids: 'all' });
  assert.equal(decodeClientMessage(encode({ t: 'subscribe', ids: [0, 9] }), 10), { t: 'subscribe', ids: [0, 9] });
});

test('not msgpack, truncated, trailing bytes', () => {
  refused(hex('c1'), /not a msgpack message/); // 0xc1 is never used by msgpack
  refused(hex('82 a174 a470696e'), /not a msgpack message/); // "ping" cut short
  refused(hex('82 a174 a470696e67 a26964 07 00'), /not a msgpack message/); // extra byte
  refused(new Uint8Array(0), /not a msgpack message/);
});

test('wrong shapes', () => {
  refused(encode(7), /msgpack map/);
  refused(encode([1]), /msgpack map/);
  refused(encode(null), /msgpack map/);
  refused(encode({ id: 1 }), /string field t/);
  refused(encode({ t: 'reboot' }), /unknown message type "reboot"/);
  refused(encode({ t: 'ping' }), /ping.id/);
  refused(encode({ t: 'ping', id: -1 }), /ping.id/);
  refused(encode({ t: 'ping', id: 1.5 }), /ping.id/);
  refused(encode({ t: 'ping', id: 1, x: 2 }), /unexpected field "x"/);
  refused(encode({ t: 'subscribe', ids: 'some' }), /subscribe.ids/);
  refused(encode({ t: 'subscribe', ids: [10] }), /0..9/);
  refused(encode({ t: 'subscribe', ids: ['a'] }), /0..9/);
});

test('decoder limits: long strings, big arrays, binary and extensions are refused', () => {
  refused(encode({ t: 'x'.repeat(100) }), /not a msgpack message/);
  refused(encode({ t: 'subscribe', ids: new Array(1001).fill(0) }), /not a msgpack message/);
  refused(encode({ t: 'ping', id: new Uint8Array(4) }), /not a msgpack message/);
  refused(hex('d4 01 00'), /not a msgpack message/); // fixext 1
});

test.run();
