import { loadPlantFile } from '../../core/config/plant-file.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { ShadowRun } from '../../core/shadow/shadow-run.ts';
import { pino } from 'pino';
import { RecordingSink } from './recording-sink.ts';
const plant = loadPlantFile('examples/sorting-shadow.yaml');
const line = loadLineFile(plant.line!);
const sink = new RecordingSink();
const run = await ShadowRun.start({ plant, line, sink, logger: pino({ level: 'warn' }) });
const tw = run.twin;
const names = ['pe1.blocked', 'pe2.blocked', 'pu1.extended', 'm2.run', 'pu1.extend'];
const ids = names.flatMap((n) => [tw.id(n), tw.id(n.endsWith('extend')|| n.endsWith('run') ? n : n + '.measured')]);
const prev = new Float64Array(ids.length).fill(-1);
let na = 0;
const iv = setInterval(() => {
  for (let k = 0; k < ids.length; k++) {
    const v = tw.values[ids[k]!]!;
    if (v !== prev[k]) { prev[k] = v; if (k % 2 === 0 || !names[k>>1]!.match(/extend$|run$/)) console.log(tw.lockstep.time.toFixed(3), k % 2 ? 'REAL ' : 'MODEL', names[k >> 1], v); }
  }
  if (sink.raised.length > na) { for (const r of sink.raised.slice(na)) console.log('ALARM', tw.lockstep.time.toFixed(3), r.key, r.condition.cause); na = sink.raised.length; }
}, 5);
await new Promise((r) => setTimeout(r, 40000));
clearInterval(iv);
await run.close();
