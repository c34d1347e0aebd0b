// The ADS target's codecs with hex fixtures, no socket (ws-style): AMS/TCP framing in any
// chunking, the AMS header, command payloads, notifications, symbol entries, sum commands,
// and the endpoint parser.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AmsFrameSplitter, decodeAmsHeader, encodeAmsPacket, responseHeaderFor, type AmsTcpFrame } from '../../plc-adapters/ads/ads-target/ams-codec.ts';
import { decodeAddNotification, decodeRead, decodeReadWrite, decodeWrite, encodeDataResponse, encodeDeviceInfo, encodeNotification } from '../../plc-adapters/ads/ads-target/ads-codec.ts';
import { encodeSymbolEntry, SymbolTable } from '../../plc-adapters/ads/ads-target/symbol-table.ts';
import { serviceReadWrite, type TargetState } from '../../plc-adapters/ads/ads-target/ads-services.ts';
import { parseAdsEndpoint } from '../../plc-adapters/ads/ads-endpoint.ts';
import { isTwinloopError } from '../../core/errors.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// A Read request as ads-client sends it: 8 bytes at 0x4020/8, from 127.0.0.1.1.1:32905 to :851.
const READ_FRAME = hex(`
  0000 2c000000
  7f0000010101 5303  7f0000010101 8980  0200 0400 0c000000 00000000 07000000
  20400000 08000000 08000000`);

function split(chunks: Buffer[]): AmsTcpFrame[] {
  const s = new AmsFrameSplitter();
  const out: AmsTcpFrame[] = [];
  for (const c of chunks) s.push(c, (f) => out.push(f));
  return out;
}

test('frame splitter: whole, byte by byte, and two frames in one chunk', () => {
  const whole = split([READ_FRAME]);
  assert.is(whole.length, 1);
  assert.is(whole[0]!.command, 0);
  assert.is(whole[0]!.body.length, 44);
  const bytes = split([...READ_FRAME].map((b) => Buffer.from([b])));
  assert.is(bytes.length, 1);
  assert.equal(bytes[0]!.body, whole[0]!.body);
  const two = split([Buffer.concat([READ_FRAME, READ_FRAME.subarray(0, 10)]), READ_FRAME.subarray(10)]);
  assert.is(two.length, 2);
  // A port-connect request (router service, 2-byte body).
  const pc = split([hex('0010 02000000 0000')]);
  assert.equal(pc, [{ command: 0x1000, body: hex('0000') }]);
});

test('frame splitter refuses an oversized length instead of buffering it', () => {
  assert.throws(() => split([hex('0000 ffffff7f')]), /exceeds/);
});

test('AMS header decode, and the response header swaps addresses', () => {
  const h = decodeAmsHeader(READ_FRAME, 6);
  assert.equal(h.target, { netId: '127.0.0.1.1.1', port: 851 });
  assert.equal(h.source, { netId: '127.0.0.1.1.1', port: 32905 });
  assert.is(h.command, 2);
  assert.is(h.stateFlags, 4);
  assert.is(h.dataLength, 12);
  assert.is(h.invokeId, 7);
  assert.equal(decodeRead(READ_FRAME.subarray(38)), { indexGroup: 0x4020, indexOffset: 8, length: 8 });
  const reply = encodeAmsPacket(responseHeaderFor(h), encodeDataResponse(0, hex('0000000000404540')));
  assert.is(
    reply.toString('hex'),
    hex(`0000 30000000
      7f0000010101 8980  7f0000010101 5303  0200 0500 10000000 00000000 07000000
      00000000 08000000 0000000000404540`).toString('hex'),
  );
});

test('command payloads: Write, ReadWrite, AddNotification, DeviceInfo', () => {
  assert.equal(decodeWrite(hex('20400000 04000000 02000000 01020000')), { indexGroup: 0x4020, indexOffset: 4, data: hex('0102') });
  const rw = decodeReadWrite(hex('03f00000 00000000 ffffffff 0c000000 4d41494e2e6d315f72756e00'));
  assert.equal({ ...rw, data: rw.data.toString('latin1') }, { indexGroup: 0xf003, indexOffset: 0, readLength: 0xffffffff, data: 'MAIN.m1_run\0' });
  // cycle 10 ms = 100000 x 100 ns, on change (4), plus 16 reserved bytes.
  const an = decodeAddNotification(hex('08f00000 00000000 01000000 04000000 00000000 a0860100 00000000000000000000000000000000'));
  assert.equal(an, { indexGroup: 0xf008, indexOffset: 0, length: 1, transMode: 4, maxDelay: 0, cycleTime: 100000 });
  assert.throws(() => decodeWrite(hex('20400000 04000000 08000000 01')), /needs 20 bytes/);
  assert.is(encodeDeviceInfo(3, 1, 4026, 'Plc30 App').toString('hex'), hex('00000000 03 01 ba0f 506c63333020417070 00000000000000').toString('hex'));
});

test('notification: length of what follows, one stamp (FILETIME), samples with handle and length', () => {
  const n = encodeNotification(0, [
    { handle: 5, data: hex('01') },
    { handle: 6, data: hex('0200') },
  ]);
  assert.is(
    n.toString('hex'),
    hex(`23000000 01000000 00803ed5deb19d01 02000000
      05000000 01000000 01
      06000000 02000000 0200`).toString('hex'),
  );
});

test('symbol entry as TwinCAT lays it out (30 fixed bytes, three zero-terminated strings, padded to 4)', () => {
  const table = new SymbolTable([
    { name: 'MAIN.a', type: 'BOOL' },
    { name: 'MAIN.x', type: 'LREAL' },
  ]);
  assert.equal(
    table.symbols.map((s) => s.indexOffset),
    [0, 8],
    'LREAL aligned to 8',
  );
  assert.is(
    encodeSymbolEntry(table.symbols[1]!).toString('hex'),
    hex(`2c000000 20400000 08000000 08000000 05000000 0000 0000 0600 0500 0000
      4d41494e2e7800 4c5245414c00 00`).toString('hex'),
  );
  assert.is(table.find('main.X'), table.symbols[1], 'names are case-insensitive');
});

test('sum read: results first, then each sub-read at its full length', () => {
  const table = new SymbolTable([{ name: 'MAIN.n', type: 'DINT' }]);
  const s: TargetState = { table, memory: Buffer.alloc(8), symbolVersion: 1, adsState: 5, restartIndex: 0, handles: new Map(), nextHandle: 1, touchedRead: false, touchedWrite: false };
  s.memory.writeInt32LE(-2, 0);
  const req = hex('20400000 00000000 04000000  20400000 00100000 04000000');
  const r = serviceReadWrite(s, 851, 0xf080, 2, 16, req);
  assert.is(r.error, 0);
  assert.is(r.data.toString('hex'), hex('00000000 03070000 feffffff 00000000').toString('hex'));
  assert.ok(s.touchedRead);
  // Over TwinCAT's 500 sub-command limit: refused as a whole.
  assert.is(serviceReadWrite(s, 851, 0xf080, 501, 0, Buffer.alloc(501 * 12)).error, 0x70b);
});

test('endpoint parser: defaults, and errors that say what is wrong', () => {
  assert.equal(parseAdsEndpoint('ads://192.168.1.20/192.168.1.20.1.1'), { host: '192.168.1.20', tcpPort: 48898, netId: '192.168.1.20.1.1', adsPort: 851 });
  assert.equal(parseAdsEndpoint('ads://127.0.0.1:4000/127.0.0.1.1.1:852'), { host: '127.0.0.1', tcpPort: 4000, netId: '127.0.0.1.1.1', adsPort: 852 });
  for (const bad of ['opc.tcp://x/1.2.3.4.5.6', 'ads://h/1.2.3.4.5', 'ads://h/1.2.3.4.5.256', 'ads://h/1.2.3.4.5.6:0', 'nonsense']) {
    let err: unknown;
    try {
      parseAdsEndpoint(bad);
    } catch (e) {
      err = e;
    }
    assert.ok(isTwinloopError(err, 'CFG_INVALID'), bad);
  }
});

test.run();
