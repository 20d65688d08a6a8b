// Makes the reports the editor tests open, from the real `nianbao new` draft.
//
//   node fixtures.mjs NIANBAO_BIN OUT_DIR
//
// Writes OUT_DIR/base.md (the draft with consistent non-zero figures), broken.md
// (one wrong 总计 in table 三), several.md (four wrong totals in tables 三 and 四),
// damaged.md (rows of uncertain shape beside two wrong totals), misaligned.md (base.md
// with its table cells padded unevenly) and fixtures.json: where each broken cell is (0-based line, byte and UTF-16
// columns) and which texts the tests expect.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [bin, outDir] = process.argv.slice(2);
if (!bin || !outDir) {
  console.error('usage: node fixtures.mjs NIANBAO_BIN OUT_DIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const draft = execFileSync(bin, ['new', '--org', '测试市人民政府办公室', '--year', '2025'], { encoding: 'utf8' });
// A finished report: the template's prompts filled in and the date completed, so the
// only problems are the ones each fixture makes on purpose (no draft-todo hints).
const filled = draft
  .replace(/（填写([^）\n]*?)。）/g, '本年度$1按要求推进。')
  .replace(/（如有收取，[^）\n]*）/g, '')
  .replace(/(\d{4}年\d{1,2}月)\s+日/g, '$115日');
const lines = filled.split('\n');

/** Cells of a Markdown table row, with their text spans (UTF-16 offsets in the line). */
function cells(line) {
  const out = [];
  let start = line.indexOf('|');
  while (start >= 0) {
    const end = line.indexOf('|', start + 1);
    if (end < 0) break;
    const raw = line.slice(start + 1, end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    out.push({ text, from: start + 1 + lead, to: start + 1 + lead + text.length });
    start = end;
  }
  return out;
}

function rowIndex(label) {
  const i = lines.findIndex((l) => l.startsWith('|') && cells(l).some((c) => c.text === label));
  if (i < 0) throw new Error(`row ${label} not found in the draft of nianbao new`);
  return i;
}

/** The last `n` numeric cells of a row (the data cells). */
function dataCells(i, n) {
  const nums = cells(lines[i]).filter((c) => /^-?\d+(\.\d+)?$/.test(c.text));
  if (nums.length < n) throw new Error(`row ${i + 1} has ${nums.length} numbers, expected ${n}: ${lines[i]}`);
  return nums.slice(nums.length - n);
}

/** Replaces the data cells of row i (right to left so earlier offsets stay valid). */
function setRow(text, i, values) {
  const ls = text.split('\n');
  const targets = dataCells(i, values.length);
  let line = ls[i];
  for (let k = values.length - 1; k >= 0; k--) {
    const c = targets[k];
    line = line.slice(0, c.from) + String(values[k]) + line.slice(c.to);
  }
  ls[i] = line;
  return ls.join('\n');
}

function setLines(text) {
  lines.splice(0, lines.length, ...text.split('\n'));
}

// Table 三 columns: 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计.
const ROW_NEW = '一、本年新收政府信息公开申请数量';
const ROW_OPEN = '（一）予以公开';
const ROW_NOINFO = '1.本机关不掌握相关政府信息';
const ROW_TOTAL = '（七）总计';
let base = filled;
base = setRow(base, rowIndex(ROW_NEW), [3, 1, 0, 0, 0, 0, 4]);
setLines(base);
base = setRow(base, rowIndex(ROW_OPEN), [2, 1, 0, 0, 0, 0, 3]);
setLines(base);
base = setRow(base, rowIndex(ROW_NOINFO), [1, 0, 0, 0, 0, 0, 1]);
setLines(base);
base = setRow(base, rowIndex(ROW_TOTAL), [3, 1, 0, 0, 0, 0, 4]);
setLines(base);
// Table 四: the data row follows the header row that starts with 结果维持.
const t4Header = lines.findIndex((l) => l.startsWith('|') && cells(l)[0]?.text === '结果维持');
if (t4Header < 0) throw new Error('table 四 header row (结果维持 …) not found');
const t4Row = t4Header + 1;
base = setRow(base, t4Row, [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
setLines(base);

const utf8Len = (s) => Buffer.byteLength(s, 'utf8');
function where(i, cell) {
  const line = lines[i];
  return {
    line: i,
    col16: cell.from,
    end16: cell.to,
    colByte: utf8Len(line.slice(0, cell.from)),
    endByte: utf8Len(line.slice(0, cell.to)),
    text: cell.text,
  };
}
const totalCell = (i, n = 7) => dataCells(i, n)[n - 1];

// broken.md: the 总计 of row 一 says 5 where its parts add up to 4.
const iNew = rowIndex(ROW_NEW);
const broken = setRow(base, iNew, [3, 1, 0, 0, 0, 0, 5]);
setLines(broken);
const brokenCell = where(iNew, totalCell(iNew));
setLines(base);

// several.md: four wrong totals (three in table 三, the 行政复议 总计 in table 四).
const iOpen = rowIndex(ROW_OPEN);
const iTotal = rowIndex(ROW_TOTAL);
let several = base;
several = setRow(several, iNew, [3, 1, 0, 0, 0, 0, 9]);
setLines(several);
several = setRow(several, iOpen, [2, 1, 0, 0, 0, 0, 7]);
setLines(several);
several = setRow(several, iTotal, [3, 1, 0, 0, 0, 0, 2]);
setLines(several);
several = setRow(several, t4Row, [1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
setLines(several);
const severalCells = [where(iNew, totalCell(iNew)), where(iOpen, totalCell(iOpen)), where(iTotal, totalCell(iTotal)), where(t4Row, dataCells(t4Row, 15)[4])];
setLines(base);

// damaged.md: rows whose shape is uncertain, which no safe fix may touch, beside two wrong
// totals that fix-all does fill in: a number written as 五 in （一）予以公开 (table 三), a cell
// deleted from 2.重复申请 (table 三, 9 cells for 10 columns) and from table 四's data row (14 for 15).
const ROW_REPEAT = '2.重复申请';
const iRepeat = rowIndex(ROW_REPEAT);
const iNoInfo = rowIndex(ROW_NOINFO);
const five = dataCells(iOpen, 7)[0];
let damaged = setRow(base, iNew, [3, 1, 0, 0, 0, 0, 9]);
setLines(damaged);
damaged = setRow(damaged, iNoInfo, [1, 0, 0, 0, 0, 0, 7]);
setLines(base);
const damagedLines = damaged.split('\n');
const damagedRows = [
  { line: iOpen, text: damagedLines[iOpen].slice(0, five.from) + '五' + damagedLines[iOpen].slice(five.to) },
  { line: iRepeat, text: damagedLines[iRepeat].replace(/ 0 \|$/, '') },
  { line: t4Row, text: damagedLines[t4Row].replace(/ 0 \|$/, '') },
];
for (const r of damagedRows) {
  if (r.text === damagedLines[r.line]) throw new Error(`damaged.md: row ${r.line + 1} unchanged: ${r.text}`);
  damagedLines[r.line] = r.text;
}
damaged = damagedLines.join('\n');
const baseLines = base.split('\n');
const damagedFixed = [iNew, iNoInfo].map((i) => ({ line: i, want: baseLines[i] }));

// misaligned.md: base.md with the spaces around its table cells changed (none, one to three),
// the cells' texts kept; formatting must line the pipes up again.
const misaligned = baseLines
  .map((l, i) => {
    if (!l.startsWith('|')) return l;
    const parts = l.split('|');
    return parts
      .map((p, j) => (j === 0 || j === parts.length - 1 ? p : ' '.repeat((i + j) % 3) + p.trim() + ' '.repeat((i * 2 + j) % 4)))
      .join('|');
  })
  .join('\n');

// The hover target: row （一）予以公开, column 自然人 (value 2).
const hoverCell = where(iOpen, dataCells(iOpen, 7)[0]);

writeFileSync(join(outDir, 'base.md'), base);
writeFileSync(join(outDir, 'broken.md'), broken);
writeFileSync(join(outDir, 'several.md'), several);
writeFileSync(join(outDir, 'damaged.md'), damaged);
writeFileSync(join(outDir, 'misaligned.md'), misaligned);
// Every problem the server reports on several.md under the tests' settings, which turn off
// balance-mismatch (the wrong printed totals also break the balance of table 三's 总计 column).
const severalReport = JSON.parse(spawnSync(bin, ['check', '--format', 'json', join(outDir, 'several.md')], { encoding: 'utf8' }).stdout); // exit 1: it has errors
const severalProblems = severalReport.files[0].diagnostics.filter((d) => d.code !== 'balance-mismatch').length;
if (severalProblems < severalCells.length) throw new Error(`several.md: ${severalProblems} problems, expected at least ${severalCells.length}`);
const meta = {
  severalProblems,
  broken: { ...brokenCell, expectedTotal: '4', rowLabel: ROW_NEW },
  several: severalCells,
  damaged: { rows: damagedRows, fixed: damagedFixed },
  hover: { ...hoverCell, expect: ['三、本年度办理结果', '予以公开', '×', '自然人'] },
};
writeFileSync(join(outDir, 'fixtures.json'), JSON.stringify(meta, null, 2));
console.log(JSON.stringify(meta));
