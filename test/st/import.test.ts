// The importers of exported PLC programs: PLCopen TC6 XML and TwinCAT 3 object files become ST
// sources. Checks the generated ST text per construct, that every line maps back to the XML
// line it came from (so compiler errors point into the user's file), each import diagnostic
// with its exact message and position, the folder import order, and malformed XML positions.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { SourceFile } from '../../plc-adapters/st/ast.ts';
import { importPlcopenXml } from '../../plc-adapters/st/import/plcopen-xml.ts';
import { importTwinCat, importTwinCatFolder } from '../../plc-adapters/st/import/twincat.ts';
import { compileSt } from '../../plc-adapters/st/compile.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const CONVEYOR = join(fixtures, 'plcopen', 'conveyor.xml');
const conveyorXml = readFileSync(CONVEYOR, 'utf8');
const TWINCAT = join(fixtures, 'twincat');
const TWINCAT_BAD = join(fixtures, 'twincat-bad');

/** 1-based line of the first occurrence of `needle` in `xml`. */
function lineOf(xml: string, needle: string): number {
  const at = xml.indexOf(needle);
  assert.ok(at >= 0, `fixture holds ${needle}`);
  return xml.slice(0, at).split('\n').length;
}

/** The source whose text starts with `head` (after leading blanks). */
function sourceStarting(sources: readonly SourceFile[], head: string): SourceFile {
  const src = sources.find((s) => s.text.trimStart().startsWith(head));
  assert.ok(src, `a source starts with ${head}`);
  return src!;
}

/** The ST line holding `needle`, with the XML line it maps to. */
function stLine(src: SourceFile, needle: string): { index: number; text: string; xmlLine: number } {
  const lines = src.text.split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `ST text holds ${needle}`);
  return { index, text: lines[index]!, xmlLine: src.lines![index]! };
}

const plcopen = importPlcopenXml(CONVEYOR, conveyorXml);

// ---- PLCopen: generated text per construct ---------------------------------------------

test('PLCopen enum data type: TYPE with one value a line and its base type', () => {
  const src = sourceStarting(plcopen.sources, 'TYPE E_BeltState');
  assert.is(src.text, ['TYPE E_BeltState :', '(', '    Stopped := 0,', '    Starting := 1,', '    Running := 2,', '    Faulted := 3', ') INT;', 'END_TYPE'].join('\n'));
  assert.is(src.lines!.length, 8);
  assert.is(src.lines![0], lineOf(conveyorXml, '<dataType name="E_BeltState">'));
  assert.is(src.lines![4], lineOf(conveyorXml, '<value name="Running"'));
  assert.is(src.file, CONVEYOR);
  assert.is(src.name, undefined);
});

test('PLCopen struct data type: members with string length, array, repetition and documentation', () => {
  const src = sourceStarting(plcopen.sources, 'TYPE ST_BeltRecipe');
  assert.is(
    src.text,
    [
      'TYPE ST_BeltRecipe :',
      'STRUCT',
      '    SpeedSetpoint : REAL := 0.5; (* belt speed in m/s *)',
      '    StartDelay : TIME := T#2s;',
      "    Product : STRING[20] := 'cartons';",
      '    ZoneSpeeds : ARRAY[1..3] OF REAL := [3(0.5)];',
      'END_STRUCT',
      'END_TYPE',
    ].join('\n'),
  );
  assert.is(stLine(src, 'Product').xmlLine, lineOf(conveyorXml, '<variable name="Product">'));
  assert.is(stLine(src, 'END_STRUCT').xmlLine, lineOf(conveyorXml, '</struct>'));
});

test('PLCopen subrange data type with an initial value', () => {
  const src = sourceStarting(plcopen.sources, 'TYPE T_Percent');
  assert.is(src.text, 'TYPE T_Percent : INT (0..100) := 100;\nEND_TYPE');
});

test('PLCopen function block: interface sections, a TON instance, the body, END_FUNCTION_BLOCK', () => {
  const src = sourceStarting(plcopen.sources, 'FUNCTION_BLOCK FB_BeltMotor');
  const lines = src.text.split('\n');
  assert.equal(lines.slice(0, 15), [
    'FUNCTION_BLOCK FB_BeltMotor',
    'VAR_INPUT',
    '    Start : BOOL; (* start request (push button) *)',
    '    Stop : BOOL;',
    '    Fault : BOOL;',
    '    StartDelay : TIME := T#2s;',
    'END_VAR',
    'VAR_OUTPUT',
    '    Run : BOOL;',
    '    State : E_BeltState;',
    'END_VAR',
    'VAR',
    '    Latch : BOOL;',
    '    StartTimer : TON;',
    'END_VAR',
  ]);
  assert.ok(lines.includes('StartTimer(IN := Latch, PT := StartDelay);'));
  assert.is(lines.at(-1), 'END_FUNCTION_BLOCK');
  // synthesized lines sit at their elements: the header at <pou>, END_VAR at </inputVars>, the end at </pou>
  const pouLine = lineOf(conveyorXml, '<pou name="FB_BeltMotor"');
  assert.is(src.lines![0], pouLine);
  assert.is(src.lines![6], lineOf(conveyorXml.slice(0), '</inputVars>'));
  assert.is(src.lines!.at(-1), pouLine + conveyorXml.split('\n').slice(pouLine).findIndex((l) => l.includes('</pou>')) + 1);
});

test('PLCopen function: return type on the header, END_FUNCTION', () => {
  const src = sourceStarting(plcopen.sources, 'FUNCTION F_Clamp');
  const lines = src.text.split('\n');
  assert.is(lines[0], 'FUNCTION F_Clamp : REAL');
  assert.equal(lines.slice(1, 6), ['VAR_INPUT', '    Value : REAL;', '    Lo : REAL;', '    Hi : REAL;', 'END_VAR']);
  assert.ok(lines.includes('    F_Clamp := Lo;'));
  assert.is(lines.at(-1), 'END_FUNCTION');
});

test('PLCopen program: VAR_EXTERNAL CONSTANT, struct and array initial values', () => {
  const src = sourceStarting(plcopen.sources, 'PROGRAM PLC_PRG');
  const lines = src.text.split('\n');
  assert.ok(lines.includes('VAR_EXTERNAL'));
  assert.ok(lines.includes('VAR_EXTERNAL CONSTANT'));
  assert.ok(lines.includes('    Recipe : ST_BeltRecipe := (SpeedSetpoint := 0.8, StartDelay := T#3s);'));
  assert.ok(lines.includes('    ZoneCounts : ARRAY[1..3] OF UDINT := [0, 2(0)];'));
  assert.ok(lines.includes('    Load : T_Percent;'));
  assert.is(lines.at(-1), 'END_PROGRAM');
});

test('PLCopen global variable lists: one source per list name, AT addresses, CONSTANT', () => {
  const gvls = plcopen.sources.filter((s) => s.name !== undefined);
  assert.equal(gvls.map((s) => s.name).sort(), ['Config0', 'GVL_IO']);
  const io = gvls.find((s) => s.name === 'GVL_IO')!;
  assert.is(
    io.text,
    [
      'VAR_GLOBAL',
      '    StartButton AT %IX0.0 : BOOL;',
      '    StopButton AT %IX0.1 : BOOL;',
      '    MotorContactor AT %QX0.0 : BOOL;',
      '    BeltSpeed AT %QW1 : INT; (* speed reference to the drive, mm/s *)',
      'END_VAR',
    ].join('\n'),
  );
  assert.is(io.lines![1], lineOf(conveyorXml, '<variable name="StartButton" address="%IX0.0">'));
  // a list without a name attribute is named after its configuration
  assert.is(gvls.find((s) => s.name === 'Config0')!.text, 'VAR_GLOBAL CONSTANT\n    MaxSpeed : REAL := 1.2;\nEND_VAR');
});

// ---- PLCopen: line maps ---------------------------------------------------------------

test('PLCopen line map: every body line maps to the XML line holding it, declarations to their <variable>', () => {
  const xmlLines = conveyorXml.split('\n');
  const fb = sourceStarting(plcopen.sources, 'FUNCTION_BLOCK FB_BeltMotor');
  // the deliberately placed token: the timer call in the body
  const call = stLine(fb, 'StartTimer(IN := Latch');
  assert.is(call.xmlLine, lineOf(conveyorXml, 'StartTimer(IN := Latch'));
  for (const src of plcopen.sources) {
    assert.is(src.lines!.length, src.text.split('\n').length, 'one map entry per line');
    src.text.split('\n').forEach((line, i) => {
      const xmlLine = xmlLines[src.lines![i]! - 1]!;
      const decl = /^ {4}(\w+)( AT \S+)? : /.exec(line);
      if (decl && !src.text.startsWith('TYPE E_')) assert.ok(xmlLine.includes(`name="${decl[1]}"`), `${line} -> ${xmlLine}`);
      else if (/^(IF|ELSIF|Latch|Run|Motor|Speed|Load|BeltSpeed) /.test(line)) assert.ok(xmlLine.includes(line.trim()), `${line} -> ${xmlLine}`);
    });
  }
});

test('PLCopen body: CDATA on the tag line keeps its XML column, escaped text is decoded', () => {
  const xml = [
    '<project xmlns="http://www.plcopen.org/xml/tc6_0201" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    '<types><dataTypes/><pous>',
    '<pou name="P" pouType="program"><interface><localVars><variable name="a"><type><INT/></type></variable></localVars></interface>',
    '<body><ST><xhtml:p><![CDATA[a := 1;',
    'a := a + 1;]]></xhtml:p></ST></body></pou>',
    '<pou name="Q" pouType="program"><body><ST>IF 1 &lt; 2 THEN',
    '  ; END_IF;</ST></body></pou>',
    '</pous></types></project>',
  ].join('\n');
  const { sources, diagnostics } = importPlcopenXml('p.xml', xml);
  assert.equal(diagnostics, []);
  const p = sources[0]!;
  const first = p.text.split('\n')[4]!;
  // `a := 1;` sits at column 29 of XML line 4: the ST line carries it at column 29 too
  assert.is(first, ' '.repeat(28) + 'a := 1;');
  assert.equal(p.lines, [3, 3, 3, 3, 4, 5, 5]);
  const q = sources[1]!;
  assert.is(q.text, 'PROGRAM Q\n' + ' '.repeat(42) + 'IF 1 < 2 THEN\n  ; END_IF;\nEND_PROGRAM');
  assert.equal(q.lines, [6, 6, 7, 7]);
});

// ---- PLCopen: diagnostics -------------------------------------------------------------

test('PLCopen LD POU: ST_IMPORT_LANGUAGE at the <pou>, the other POUs still imported', () => {
  assert.equal(plcopen.diagnostics, [
    {
      file: CONVEYOR,
      line: lineOf(conveyorXml, '<pou name="Horn"'),
      col: 7,
      code: 'ST_IMPORT_LANGUAGE',
      message: 'POU "Horn" is written in LD; twinloop compiles Structured Text only (rewrite it in ST, or leave it out of the import)',
      severity: 'error',
    },
  ]);
  assert.is(plcopen.sources.length, 8); // 3 types, 3 POUs, 2 global lists
  assert.not.ok(plcopen.sources.some((s) => s.text.includes('Horn')));
});

test('PLCopen SFC and IL bodies, actions and transitions', () => {
  const pou = (name: string, body: string, extra = '') => `<pou name="${name}" pouType="program"><interface/>${extra}<body>${body}</body></pou>`;
  const xml = [
    '<project xmlns="http://www.plcopen.org/xml/tc6_0201" xmlns:xhtml="http://www.w3.org/1999/xhtml"><types><dataTypes/><pous>',
    pou('Seq', '<SFC><step localId="1" name="Init" initialStep="true"><position x="0" y="0"/></step></SFC>', '<actions><action name="A1"><body><ST><xhtml:p>;</xhtml:p></ST></body></action></actions>'),
    pou('Old', '<IL><xhtml:p>LD TRUE</xhtml:p></IL>'),
    pou('Motor', '<ST><xhtml:p>;</xhtml:p></ST>', '<actions>\n<action name="Reset"><body><ST><xhtml:p>;</xhtml:p></ST></body></action></actions>\n<transitions><transition name="T1"><body><ST><xhtml:p>TRUE</xhtml:p></ST></body></transition></transitions>'),
    '</pous></types></project>',
  ].join('\n');
  const { sources, diagnostics } = importPlcopenXml('x.xml', xml);
  assert.equal(
    diagnostics.map((d) => [d.code, d.line, d.message]),
    [
      ['ST_IMPORT_LANGUAGE', 2, 'POU "Seq" is written in SFC; twinloop compiles Structured Text only (rewrite it in ST, or leave it out of the import)'],
      ['ST_IMPORT_LANGUAGE', 3, 'POU "Old" is written in IL; twinloop compiles Structured Text only (rewrite it in ST, or leave it out of the import)'],
      ['ST_IMPORT_UNSUPPORTED', 5, "Motor.Reset: actions are not supported yet (only the POU's own body runs)"],
      ['ST_IMPORT_UNSUPPORTED', 6, "Motor.T1: transitions are not supported yet (only the POU's own body runs)"],
    ],
  );
  assert.is(sources.length, 1);
  assert.ok(sources[0]!.text.startsWith('PROGRAM Motor'));
});

test('PLCopen v2.00 as CODESYS writes it: <xhtml> bodies, global lists and methods in vendor data', () => {
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<project xmlns="http://www.plcopen.org/xml/tc6_0200">
  <types>
    <dataTypes />
    <pous>
      <pou name="FB_Pump" pouType="functionBlock">
        <interface>
          <inputVars>
            <variable name="bOn">
              <type>
                <BOOL />
              </type>
            </variable>
          </inputVars>
        </interface>
        <body>
          <ST>
            <xhtml xmlns="http://www.w3.org/1999/xhtml">IF bOn THEN
  ;
END_IF</xhtml>
          </ST>
        </body>
        <addData>
          <data name="http://www.3s-software.com/plcopenxml/method" handleUnknown="implementation">
            <Method name="M_Prime" ObjectId="a">
              <interface />
            </Method>
          </data>
        </addData>
      </pou>
    </pous>
  </types>
  <instances>
    <configurations />
  </instances>
  <addData>
    <data name="http://www.3s-software.com/plcopenxml/globalvars" handleUnknown="implementation">
      <globalVars name="GVL_Pumps">
        <variable name="nPumps">
          <type>
            <INT />
          </type>
          <initialValue>
            <simpleValue value="2" />
          </initialValue>
        </variable>
      </globalVars>
    </data>
  </addData>
</project>`;
  const { sources, diagnostics } = importPlcopenXml('codesys.xml', xml);
  assert.equal(diagnostics.map((d) => [d.code, d.line, d.col, d.message]), [['ST_IMPORT_UNSUPPORTED', 25, 13, "FB_Pump.M_Prime: methods are not supported yet (only the POU's own body runs)"]]);
  const fb = sources[0]!;
  const lines = fb.text.split('\n');
  assert.is(lines[4]!.trim(), 'IF bOn THEN');
  assert.is(fb.lines![4], lineOf(xml, 'IF bOn THEN'));
  assert.equal(lines.slice(5), ['  ;', 'END_IF', 'END_FUNCTION_BLOCK']);
  assert.is(sources[1]!.name, 'GVL_Pumps');
  assert.is(sources[1]!.text, 'VAR_GLOBAL\n    nPumps : INT := 2;\nEND_VAR');
});

test('not a PLCopen file: a clear diagnostic naming what was expected', () => {
  const tc = importPlcopenXml('MAIN.TcPOU', '<?xml version="1.0"?>\n<TcPlcObject Version="1.1.0.1"><POU Name="MAIN"/></TcPlcObject>');
  assert.equal(tc.sources, []);
  assert.equal(tc.diagnostics, [
    {
      file: 'MAIN.TcPOU',
      line: 2,
      col: 1,
      code: 'ST_IMPORT_FORMAT',
      message: 'not a PLCopen XML file: expected a <project> root element in namespace http://www.plcopen.org/xml/tc6_0201 (PLCopen TC6 XML v2.01), found <TcPlcObject>',
      severity: 'error',
    },
  ]);
  const v1 = importPlcopenXml('old.xml', '<project xmlns="http://www.plcopen.org/xml/tc6.xsd"/>');
  assert.ok(v1.diagnostics[0]!.message.endsWith('found <project> in namespace http://www.plcopen.org/xml/tc6.xsd'));
});

test('malformed XML: ST_IMPORT_XML at the line and column the validator gives', () => {
  const xml = '<?xml version="1.0"?>\n<project xmlns="http://www.plcopen.org/xml/tc6_0201">\n  <types>\n    <pous>\n  </types>\n</project>';
  const { sources, diagnostics } = importPlcopenXml('broken.xml', xml);
  assert.equal(sources, []);
  assert.equal(diagnostics, [
    {
      file: 'broken.xml',
      line: 5,
      col: 3,
      code: 'ST_IMPORT_XML',
      message: "malformed XML: Expected closing tag 'pous' (opened in line 4, col 5) instead of closing tag 'types'.",
      severity: 'error',
    },
  ]);
  const unclosed = importPlcopenXml('cut.xml', '<project xmlns="http://www.plcopen.org/xml/tc6_0201">\n  <types>');
  assert.is(unclosed.diagnostics[0]!.message, 'malformed XML: <project>, <types> never closed');
  const attr = importPlcopenXml('attr.xml', '<project\n  xmlns=tc6>\n</project>');
  assert.equal([attr.diagnostics[0]!.line, attr.diagnostics[0]!.code], [2, 'ST_IMPORT_XML']);
});

// ---- TwinCAT ----------------------------------------------------------------------------

const twincat = importTwinCatFolder(TWINCAT);
const fbMotorXml = readFileSync(join(TWINCAT, 'POUs', 'FB_Motor.TcPOU'), 'utf8');

test('TwinCAT folder import: object files in sorted path order, other files ignored', () => {
  assert.equal(twincat.diagnostics, []);
  assert.equal(
    twincat.sources.map((s) => s.file),
    ['DUTs/E_State.TcDUT', 'DUTs/ST_Recipe.TcDUT', 'GVLs/GVL_IO.TcGVL', 'POUs/FB_Motor.TcPOU', 'POUs/MAIN.TcPOU'].map((f) => join(TWINCAT, f)),
  );
  // the same folder twice gives the same result
  assert.equal(importTwinCatFolder(TWINCAT), twincat);
});

test('TwinCAT POU: declaration, body and the END_FUNCTION_BLOCK TwinCAT leaves out', () => {
  const src = twincat.sources[3]!;
  const lines = src.text.split('\n');
  assert.is(lines[0], ' '.repeat(26) + 'FUNCTION_BLOCK FB_Motor'); // at its XML column
  assert.equal(lines.slice(1, 4), ['VAR_INPUT', '\tbStart : BOOL;\t\t\t\t// start request', '\tbStop : BOOL;\t\t\t\t// stop request, wins over start']);
  assert.is(lines[14], ''); // the newline before ]]></Declaration>
  assert.is(lines[15], ' '.repeat(19) + '// Start/stop latch with a run timer.');
  assert.equal(lines.slice(-3), ['\tbTimeout := FALSE;', 'END_IF', 'END_FUNCTION_BLOCK']);
  assert.not.ok(src.text.includes('\r'), 'CRLF read as one line feed');
  assert.is(src.name, undefined);
});

test('TwinCAT line map: each line at its XML line, END_ at </ST>, columns kept on the first body line', () => {
  const xmlLines = fbMotorXml.split('\n');
  const src = twincat.sources[3]!;
  const lines = src.text.split('\n');
  lines.slice(0, -1).forEach((line, i) => assert.ok(xmlLines[src.lines![i]! - 1]!.includes(line.trim()), `${line} -> line ${src.lines![i]}`));
  // the deliberately placed token: the timer call sits on XML line 22
  assert.is(stLine(src, 'tonRun(IN := bRunning').xmlLine, 22);
  assert.is(lineOf(fbMotorXml, 'tonRun(IN := bRunning'), 22);
  assert.is(src.lines!.at(-1), lineOf(fbMotorXml, '</ST>'));
  // `//` of the first body line is at XML column 20, and at ST column 20
  const body = stLine(src, '// Start/stop');
  assert.is(body.text.indexOf('//') + 1, xmlLines[body.xmlLine - 1]!.indexOf('//') + 1);
  assert.is(body.text.indexOf('//') + 1, 20);
});

test('TwinCAT GVL named after the GVL, DUTs as written', () => {
  const [eState, recipe, gvl] = twincat.sources;
  assert.is(gvl!.name, 'GVL_IO');
  assert.equal(gvl!.text.split('\n').slice(1, 3), ['VAR_GLOBAL', '\tbStartButton AT %IX0.0 : BOOL;\t\t// panel: start (NO contact)']);
  assert.is(eState!.text.split('\n')[2], 'TYPE E_State :');
  assert.is(eState!.lines![2], 6);
  assert.is(recipe!.text.trimStart().split('\n')[0], 'TYPE ST_Recipe :');
  assert.is(recipe!.name, undefined);
  const main = twincat.sources[4]!.text.split('\n');
  assert.is(main.at(-1), 'END_PROGRAM');
});

test('TwinCAT method and LD POU: diagnostics at their elements, the rest still imported', () => {
  const bad = importTwinCatFolder(TWINCAT_BAD);
  assert.equal(bad.diagnostics, [
    {
      file: join(TWINCAT_BAD, 'FB_Conveyor.TcPOU'),
      line: 19,
      col: 5,
      code: 'ST_IMPORT_UNSUPPORTED',
      message: "FB_Conveyor.M_Start: methods are not supported yet (only the POU's own body runs)",
      severity: 'error',
    },
    {
      file: join(TWINCAT_BAD, 'P_Lamp.TcPOU'),
      line: 3,
      col: 3,
      code: 'ST_IMPORT_LANGUAGE',
      message: 'POU "P_Lamp" is written in LD; twinloop compiles Structured Text only (rewrite it in ST, or leave it out of the import)',
      severity: 'error',
    },
  ]);
  assert.is(bad.sources.length, 1);
  const conveyor = bad.sources[0]!.text;
  assert.ok(conveyor.trimStart().startsWith('FUNCTION_BLOCK FB_Conveyor'));
  assert.not.ok(conveyor.includes('METHOD'), 'the method body is left out');
  assert.ok(conveyor.endsWith('END_IF\nEND_FUNCTION_BLOCK'));
});

const tcPou = (impl: string, members = '', decl = 'FUNCTION_BLOCK FB_X') =>
  `<?xml version="1.0" encoding="utf-8"?>\n<TcPlcObject Version="1.1.0.1">\n  <POU Name="FB_X" Id="{0}">\n    <Declaration><![CDATA[${decl}]]></Declaration>\n    <Implementation>${impl}</Implementation>${members}\n  </POU>\n</TcPlcObject>`;

test('TwinCAT other languages and members: SFC, CFC, FBD network, properties, actions, transitions', () => {
  const lang = (impl: string) => importTwinCat([{ file: 'x.TcPOU', xml: tcPou(impl) }]).diagnostics[0]!.message;
  assert.is(lang('<SFC/>'), 'POU "FB_X" is written in SFC; twinloop compiles Structured Text only (rewrite it in ST, or leave it out of the import)');
  assert.ok(lang('<CFC><XmlArchive/></CFC>').includes(' written in CFC;'));
  assert.ok(lang('<NWL><XmlArchive><Data><o><v n="DefaultViewMode">"Fbd"</v></o></Data></XmlArchive></NWL>').includes(' written in FBD;'));
  assert.ok(lang('<NWL/>').includes(' written in FBD/LD;'));
  const members = '\n    <Property Name="P_Speed" Id="{1}"/>\n    <Action Name="A_Reset" Id="{2}"/>\n    <Transition Name="T_Done" Id="{3}"/>';
  const r = importTwinCat([{ file: 'x.TcPOU', xml: tcPou('<ST><![CDATA[;]]></ST>', members) }]);
  assert.equal(
    r.diagnostics.map((d) => [d.line, d.col, d.message]),
    [
      [6, 5, "FB_X.P_Speed: properties are not supported yet (only the POU's own body runs)"],
      [7, 5, "FB_X.A_Reset: actions are not supported yet (only the POU's own body runs)"],
      [8, 5, "FB_X.T_Done: transitions are not supported yet (only the POU's own body runs)"],
    ],
  );
  assert.is(r.sources.length, 1);
});

test('TwinCAT declarations: pragmas before the keyword, END_ already written, no POU keyword', () => {
  const fn = importTwinCat([{ file: 'f.TcPOU', xml: tcPou('<ST><![CDATA[F := n;]]></ST>', '', "{attribute 'hide'}\n// doubles\nFUNCTION F : INT\nVAR_INPUT n : INT; END_VAR") }]);
  assert.ok(fn.sources[0]!.text.endsWith('F := n;\nEND_FUNCTION'));
  const done = importTwinCat([{ file: 'p.TcPOU', xml: tcPou('<ST><![CDATA[;\nEND_PROGRAM]]></ST>', '', 'PROGRAM P') }]);
  assert.is(done.sources[0]!.text.match(/END_PROGRAM/g)!.length, 1);
  const iface = importTwinCat([{ file: 'i.TcPOU', xml: tcPou('<ST><![CDATA[;]]></ST>', '', 'INTERFACE I_X') }]);
  assert.equal(iface.diagnostics.map((d) => [d.code, d.line, d.col, d.message]), [['ST_IMPORT_FORMAT', 4, 5, 'POU "FB_X": the declaration does not start with PROGRAM, FUNCTION_BLOCK or FUNCTION']]);
  assert.equal(iface.sources, []);
});

test('TwinCAT: not a TwinCAT file, malformed XML, byte order mark, unreadable folder', () => {
  const plc = importTwinCat([{ file: 'conveyor.xml', xml: conveyorXml }]);
  assert.is(plc.diagnostics[0]!.message, 'not a TwinCAT PLC object file: expected a <TcPlcObject> root element (.TcPOU, .TcGVL, .TcDUT), found <project>');
  const broken = importTwinCat([{ file: 'b.TcPOU', xml: tcPou('<ST><![CDATA[;]]></ST>').replace('</Implementation>', '</Implementaton>') }]);
  assert.equal([broken.diagnostics[0]!.code, broken.diagnostics[0]!.line, broken.diagnostics[0]!.col], ['ST_IMPORT_XML', 5, 43]);
  const bom = importTwinCat([{ file: 'bom.TcGVL', xml: '\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n<TcPlcObject><GVL Name="G"><Declaration><![CDATA[VAR_GLOBAL\r\n\tx : INT;\r\nEND_VAR]]></Declaration></GVL></TcPlcObject>' }]);
  assert.equal(bom.diagnostics, []);
  assert.equal(bom.sources[0]!.lines, [2, 3, 4]);
  assert.is(bom.sources[0]!.name, 'G');
  const missing = importTwinCatFolder(join(fixtures, 'no-such-folder'));
  assert.is(missing.diagnostics[0]!.code, 'ST_IMPORT_IO');
});

// ---- the compiler takes what the importers give --------------------------------------------

/** Compiles without a diagnostic and runs scans with the input image `drive` sets (by located address). */
function compileAndRun(sources: readonly SourceFile[]) {
  const { program, diagnostics } = compileSt(sources);
  assert.equal(diagnostics, []);
  const p = program!;
  const i = new Float64Array(p.io.inputs.length);
  const q = new Float64Array(p.io.outputs.length);
  const at = (list: typeof p.io.inputs, address: string) => list.findIndex((e) => e.aliases?.includes(address));
  return {
    p,
    input: (address: string, v: number) => (i[at(p.io.inputs, address)] = v),
    output: (address: string) => q[at(p.io.outputs, address)],
    scans: (n: number, cycleMs: number) => {
      for (let k = 0; k < n; k++) p.scan(i, q, cycleMs);
    },
  };
}

test('the PLCopen fixture compiles and runs: start delay, then the belt at the recipe speed, stop', () => {
  const run = compileAndRun(plcopen.sources);
  assert.equal(run.p.programNames, ['PLC_PRG']);
  run.input('%IX0.0', 1); // start button
  run.scans(1, 100);
  run.input('%IX0.0', 0);
  run.scans(20, 100); // 2.1 s: still in the 3 s start delay of the recipe
  assert.equal([run.output('%QX0.0'), run.p.format('PLC_PRG.Motor.State')], [0, 'Starting']);
  run.scans(10, 100);
  assert.equal([run.output('%QX0.0'), run.output('%QW1'), run.p.format('PLC_PRG.Motor.State')], [1, 800, 'Running']);
  run.input('%IX0.1', 1); // stop button
  run.scans(1, 100);
  assert.equal([run.output('%QX0.0'), run.output('%QW1')], [0, 0]);
});

test('the TwinCAT fixture compiles and runs: start latches the motor, the run timer trips it', () => {
  const run = compileAndRun(twincat.sources);
  run.input('%IX0.0', 1);
  run.scans(1, 1000);
  run.input('%IX0.0', 0);
  run.scans(2, 1000);
  assert.equal([run.output('%QX0.0'), run.output('%QW1'), run.p.format('MAIN.eState')], [1, 800, 'Running']);
  run.scans(45, 1000); // the recipe's tMaxRun is T#45S
  assert.equal([run.output('%QX0.0'), run.p.read('MAIN.fbMotor.bTimeout'), run.p.format('MAIN.eState')], [0, true, 'Fault']);
});

test('a compile error in imported code points into the XML file', () => {
  const bad = importTwinCatFolder(TWINCAT_BAD);
  const { diagnostics } = compileSt(bad.sources);
  const error = diagnostics.find((d) => d.severity === 'error')!;
  // M_Start() is on line 14 of FB_Conveyor.TcPOU, after a tab: the method was left out
  assert.equal([error.file, error.line, error.col, error.code], [join(TWINCAT_BAD, 'FB_Conveyor.TcPOU'), 14, 2, 'ST_UNKNOWN_NAME']);
});

test.run();
