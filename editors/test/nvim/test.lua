-- Headless Neovim test of the nianbao plugin against the real `nianbao lsp`.
-- Run by run.sh as: nvim --headless -c 'luafile test.lua', with the plugin installed
-- as a native package and a user init.lua (vim.lsp.enable or setup{}).
-- Env: NB_FIXTURES (folder made by fixtures.mjs, copied per editor), NB_RESULTS
-- (file to append PASS/FAIL lines to), NB_SUITE (name printed before each test).
local fixtures = assert(os.getenv('NB_FIXTURES'), 'NB_FIXTURES')
local results = assert(io.open(assert(os.getenv('NB_RESULTS'), 'NB_RESULTS'), 'a'))
local suite = os.getenv('NB_SUITE') or ('nvim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor))
local has_011 = vim.fn.has('nvim-0.11') == 1
local TIMEOUT = 20000

local function read_file(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

local meta = vim.fn.json_decode(read_file(fixtures .. '/fixtures.json'))
local base = read_file(fixtures .. '/base.md')
local base_lines = vim.split(base, '\n', { plain = true })
local several_text = read_file(fixtures .. '/several.md')
local broken_text = read_file(fixtures .. '/broken.md')
local function write_fixture(name, text)
  local f = assert(io.open(fixtures .. '/' .. name, 'wb'))
  f:write(text)
  f:close()
end

local function record(name, ok, msg)
  local line = (ok and 'PASS ' or 'FAIL ') .. suite .. ': ' .. name .. ((not ok and msg) and (' — ' .. msg) or '')
  results:write(line .. '\n')
  results:flush()
  io.stdout:write(line .. '\n')
end

local failed_before = {}
local function test(name, fn, needs)
  if needs and failed_before[needs] then
    record(name, false, 'skipped: depends on "' .. needs .. '", which failed')
    failed_before[name] = true
    return
  end
  local ok, err = xpcall(fn, debug.traceback)
  if not ok then
    failed_before[name] = true
  end
  record(name, ok, not ok and tostring(err):gsub('\n', ' | ') or nil)
end

local function wait_for(what, cond, ms)
  if not vim.wait(ms or TIMEOUT, cond, 50) then
    error('timed out waiting for ' .. what, 2)
  end
end

local function nianbao_client(bufnr)
  return require('nianbao').get_client(bufnr)
end

local function diags(bufnr, code, lnum)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local c = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if d.source == 'nianbao' and (code == nil or c == code) and (lnum == nil or d.lnum == lnum) then
      table.insert(out, d)
    end
  end
  return out
end

local function describe(list)
  local parts = {}
  for _, d in ipairs(list) do
    table.insert(parts, string.format('%s@%d:%d-%d %s', tostring(d.code), d.lnum, d.col, d.end_col or -1, d.message))
  end
  return '[' .. table.concat(parts, '; ') .. ']'
end

local function open(name)
  vim.cmd('edit ' .. vim.fn.fnameescape(fixtures .. '/' .. name))
  local bufnr = vim.api.nvim_get_current_buf()
  assert(vim.bo[bufnr].filetype == 'markdown', 'filetype is ' .. vim.bo[bufnr].filetype)
  wait_for('the nianbao client to attach', function()
    return nianbao_client(bufnr) ~= nil
  end)
  return bufnr
end

-- The column the server speaks in, for the negotiated position encoding.
local function wire_col(client, cell)
  local enc = client.offset_encoding or 'utf-16'
  if enc == 'utf-8' then
    return cell.colByte, enc
  end
  return cell.col16, enc -- utf-16; utf-32 is the same for BMP text
end

local b = meta.broken
local broken_buf

test('diagnostic at the right line and CJK column', function()
  broken_buf = open('broken.md')
  wait_for('a total-mismatch diagnostic on line ' .. (b.line + 1), function()
    return #diags(broken_buf, 'total-mismatch', b.line) > 0
  end)
  local d = diags(broken_buf, 'total-mismatch', b.line)[1]
  assert(d.col == b.colByte and d.end_col == b.endByte,
    string.format('expected byte columns %d-%d, got %d-%d', b.colByte, b.endByte, d.col, d.end_col))
  assert(d.message:find('总计应为 ' .. b.expectedTotal, 1, true), 'message: ' .. d.message)
  assert(d.severity == vim.diagnostic.severity.ERROR, 'severity ' .. tostring(d.severity))
  -- init.lua sets disabledCodes = { 'balance-mismatch' }: the broken total would also break
  -- the balance of its column, so its absence shows that the settings reached the server.
  assert(#diags(broken_buf, 'balance-mismatch') == 0,
    'disabledCodes setting not applied: ' .. describe(diags(broken_buf, 'balance-mismatch')))
  local lsp = d.user_data and d.user_data.lsp
  if lsp and lsp.range then -- 0.10+ keeps what the server sent
    local client = nianbao_client(broken_buf)
    local want, enc = wire_col(client, b)
    assert(lsp.range.start.character == want,
      string.format('server sent character %d, expected %d in %s', lsp.range.start.character, want, enc))
  end
end)

test('hover shows the row and column path', function()
  local h = meta.hover
  local client = nianbao_client(broken_buf)
  local character = wire_col(client, h)
  local params = { textDocument = { uri = vim.uri_from_bufnr(broken_buf) }, position = { line = h.line, character = character } }
  local responses = vim.lsp.buf_request_sync(broken_buf, 'textDocument/hover', params, TIMEOUT)
  local text = ''
  for _, r in pairs(responses or {}) do
    local c = r.result and r.result.contents
    if type(c) == 'table' then
      text = text .. (c.value or vim.inspect(c))
    elseif type(c) == 'string' then
      text = text .. c
    end
  end
  for _, want in ipairs(h.expect) do
    assert(text:find(want, 1, true), 'hover text lacks ' .. want .. ': ' .. text)
  end
end, 'diagnostic at the right line and CJK column')

test('quick fix fills in the total and the file is written', function()
  vim.api.nvim_win_set_cursor(0, { b.line + 1, b.colByte })
  local function wanted(action)
    return action.isPreferred and (action.title or ''):find('总计', 1, true) ~= nil
  end
  if has_011 then
    vim.lsp.buf.code_action({ apply = true, filter = wanted })
  else
    -- 0.7 offers the actions through vim.ui.select: choose as a user would.
    local offered = {}
    vim.ui.select = function(items, _, on_choice)
      for i, item in ipairs(items) do
        local action = item.action or item[2]
        table.insert(offered, action.title)
        if wanted(action) then
          return on_choice(item, i)
        end
      end
      on_choice(nil, nil)
    end
    vim.lsp.buf.code_action()
    local changed = vim.wait(TIMEOUT, function()
      return vim.api.nvim_buf_get_lines(broken_buf, b.line, b.line + 1, false)[1] == base_lines[b.line + 1]
    end, 50)
    assert(changed, 'the total did not change; actions offered: ' .. vim.inspect(offered))
  end
  wait_for('the total cell to change', function()
    return vim.api.nvim_buf_get_lines(broken_buf, b.line, b.line + 1, false)[1] == base_lines[b.line + 1]
  end)
  vim.cmd('write')
  local disk = read_file(fixtures .. '/broken.md')
  assert(disk == base, 'file on disk differs from the expected report')
end, 'diagnostic at the right line and CJK column')

test('the diagnostic clears after the fix', function()
  wait_for('total-mismatch to clear', function()
    return #diags(broken_buf, 'total-mismatch') == 0 and #diags(broken_buf, 'balance-mismatch') == 0
  end)
end, 'quick fix fills in the total and the file is written')

test(':NianbaoFixAll fixes every broken total', function()
  local buf = open('several.md')
  wait_for(#meta.several .. ' total-mismatch diagnostics', function()
    return #diags(buf, 'total-mismatch') >= #meta.several
  end)
  vim.cmd('NianbaoFixAll')
  vim.cmd('write')
  local disk = vim.split(read_file(fixtures .. '/several.md'), '\n', { plain = true })
  for _, cell in ipairs(meta.several) do
    assert(disk[cell.line + 1] == base_lines[cell.line + 1],
      string.format('line %d on disk is %q, expected %q', cell.line + 1, disk[cell.line + 1], base_lines[cell.line + 1]))
  end
  local ok = vim.wait(TIMEOUT, function()
    return #diags(buf, 'total-mismatch') == 0
  end, 50)
  assert(ok, 'total-mismatch diagnostics remain: ' .. describe(diags(buf, 'total-mismatch')))
end)

-- ---------------------------------------------------------------- drafting

local notes = {}
local real_notify = vim.notify
vim.notify = function(msg, level, opts)
  table.insert(notes, tostring(msg))
  return real_notify(msg, level, opts)
end
local function note_with(text)
  for i = #notes, 1, -1 do
    if notes[i]:find(text, 1, true) then
      return notes[i]
    end
  end
  return nil
end
local function wait_note(text)
  wait_for('a message with ' .. text .. ' (seen: ' .. table.concat(notes, ' | ') .. ')', function()
    return note_with(text) ~= nil
  end)
  return note_with(text)
end

-- Replaces the total of row 一 (the cell broken.md breaks) in a buffer holding the draft.
local function break_total(bufnr, value)
  local row = b.line
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1]
  assert(line and line:find(b.rowLabel, 1, true), 'row 一 not at line ' .. (row + 1) .. ': ' .. tostring(line))
  vim.api.nvim_buf_set_text(bufnr, row, b.colByte, row, b.endByte, { value })
end

local function status_of(bufnr)
  return require('nianbao')._status[bufnr]
end

local function no_phantom_buffers()
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(buf)
    assert(name ~= '/' and name ~= 'file://', 'a buffer named ' .. name .. ' appeared (diagnostics of an unnamed document)')
  end
end

local new_name = '编辑器 测试局2024年政府信息公开工作年度报告.md'
test(':NianbaoNew writes a named draft (org with a space), it is checked, edited and saved', function()
  vim.cmd('NianbaoNew 编辑器 测试局 2024')
  local path = fixtures .. '/' .. new_name
  assert(vim.fn.filereadable(path) == 1, 'no file ' .. path .. '; messages: ' .. table.concat(notes, ' | '))
  local buf = vim.api.nvim_get_current_buf()
  assert(vim.api.nvim_buf_get_name(buf) == path, 'buffer is ' .. vim.api.nvim_buf_get_name(buf))
  assert(vim.bo[buf].filetype == 'markdown', 'filetype ' .. vim.bo[buf].filetype)
  local first = vim.api.nvim_buf_get_lines(buf, 0, 1, false)[1]
  assert(first:find('编辑器 测试局2024年', 1, true), 'draft starts with ' .. first)
  wait_for('the client to attach to the new draft', function()
    return nianbao_client(buf) ~= nil
  end)
  wait_for('the server to recognise the draft as a report', function()
    local st = status_of(buf)
    return st and st.isReport
  end)
  -- Fill in row 一 as 3 and 1 with a wrong total, as a drafter would, then save.
  local row = vim.fn.search('^| 一、本年新收', 'n') - 1
  local line = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1]
  local filled = line:gsub('| 0 | 0 | 0 | 0 | 0 | 0 | 0 |$', '| 3 | 1 | 0 | 0 | 0 | 0 | 5 |')
  assert(filled ~= line, 'row 一 of the draft is ' .. line)
  vim.api.nvim_buf_set_lines(buf, row, row + 1, false, { filled })
  wait_for('total-mismatch on the edited row', function()
    return #diags(buf, 'total-mismatch', row) == 1
  end)
  vim.cmd('write')
  assert(read_file(path):find('| 3 | 1 | 0 | 0 | 0 | 0 | 5 |', 1, true), 'the edit is not on disk')
  no_phantom_buffers()
end)

test(':NianbaoNew never overwrites a file', function()
  local path = fixtures .. '/' .. new_name
  local before = read_file(path)
  local asked
  local real_input = vim.ui.input
  vim.ui.input = function(opts, on_confirm)
    asked = opts.prompt .. ' ' .. tostring(opts.default)
    on_confirm(nil) -- the drafter cancels
  end
  vim.cmd('NianbaoNew 编辑器 测试局 2024')
  vim.ui.input = real_input
  assert(asked and asked:find('已存在', 1, true), 'not asked for another name: ' .. tostring(asked))
  assert(read_file(path) == before, 'the existing file changed')
  wait_note('未创建新草稿')
end, ':NianbaoNew writes a named draft (org with a space), it is checked, edited and saved')

test(':NianbaoExport writes a Word document beside the saved report, never over one', function()
  write_fixture('export.md', base)
  vim.cmd('edit ' .. vim.fn.fnameescape(fixtures .. '/export.md'))
  local docx = fixtures .. '/export.docx'
  assert(vim.fn.filereadable(docx) == 0, 'export.docx is there before the export')
  vim.cmd('NianbaoExport')
  assert(vim.fn.filereadable(docx) == 1, 'no ' .. docx .. '; messages: ' .. table.concat(notes, ' | '))
  assert(read_file(docx):sub(1, 2) == 'PK', 'export.docx is not a zip file')
  wait_note('已导出：')
  -- Again: the document is there, and is kept.
  local before = read_file(docx)
  pcall(vim.cmd, 'NianbaoExport') -- an error message raises in headless Neovim
  assert(read_file(docx) == before, 'export.docx changed')
  wait_note('导出失败：')
  -- To a name given.
  vim.cmd('NianbaoExport 另存.docx')
  assert(read_file(fixtures .. '/另存.docx'):sub(1, 2) == 'PK', '另存.docx is not a zip file')
end)

test(':NianbaoExport refuses a modified buffer and says to save first', function()
  vim.cmd('edit ' .. vim.fn.fnameescape(fixtures .. '/base.md'))
  local buf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(buf, 1, 1, false, { '改动' })
  assert(vim.bo[buf].modified, 'buffer not modified')
  local count = #notes
  vim.cmd('NianbaoExport')
  assert(vim.fn.filereadable(fixtures .. '/base.docx') == 0, 'base.docx was written from a modified buffer')
  local said = notes[#notes] or ''
  assert(#notes > count and said:find(':w', 1, true) and said:find('保存', 1, true), 'message: ' .. said)
  vim.cmd('edit!')
end)

test(':NianbaoNewFrom makes next year\'s draft from last year\'s report, carrying row 四 into row 二', function()
  -- Last year's report (2025) with cases carried into the next year (row 一 grows to balance).
  local last = base
    :gsub('(| 一、本年新收政府信息公开申请数量 |  |  | )3 | 1 | 0 | 0 | 0 | 0 | 4 |', '%14 | 2 | 0 | 0 | 0 | 0 | 6 |')
    :gsub('(| 四、结转下年度继续办理 |  |  | )0 | 0 | 0 | 0 | 0 | 0 | 0 |', '%11 | 1 | 0 | 0 | 0 | 0 | 2 |')
  assert(last:find('| 1 | 1 | 0 | 0 | 0 | 0 | 2 |', 1, true), 'row 四 of base.md is not as expected')
  assert(last:find('2025年政府信息公开工作年度报告', 1, true), 'base.md is not a 2025 report')
  write_fixture('去年.md', last)
  vim.cmd('NianbaoNewFrom 去年.md')
  local name = '2026年政府信息公开工作年度报告.md'
  local buf = vim.api.nvim_get_current_buf()
  local path = vim.api.nvim_buf_get_name(buf)
  assert(path:sub(-#name) == name and vim.fn.fnamemodify(path, ':h') == vim.fn.fnamemodify(fixtures, ':p:h'),
    'opened ' .. path .. '; messages: ' .. table.concat(notes, ' | '))
  assert(vim.fn.filereadable(path) == 1, 'no file ' .. path)
  wait_note('已创建')
  local function row(text, label)
    for _, l in ipairs(vim.split(text, '\n', { plain = true })) do
      if l:find('| ' .. label, 1, true) then
        return l:match('(|[%d |]+|)%s*$')
      end
    end
  end
  local carried = row(read_file(path), '二、上年结转')
  assert(carried and carried == row(last, '四、结转下年度继续办理'),
    'row 二 of the draft: ' .. tostring(carried))
  wait_for('the server to check the new draft', function()
    local st = status_of(buf)
    return st and st.isReport
  end)
  -- Again: the file is there and is not overwritten.
  local before = read_file(path)
  local asked
  local real_input = vim.ui.input
  vim.ui.input = function(opts, on_confirm)
    asked = opts.prompt .. ' ' .. tostring(opts.default)
    on_confirm(nil)
  end
  vim.cmd('NianbaoNewFrom 去年.md')
  vim.ui.input = real_input
  assert(asked and asked:find('已存在', 1, true), 'not asked for another name: ' .. tostring(asked))
  assert(read_file(path) == before, 'the existing draft changed')
  wait_note('未创建新草稿')
end)

test('an unnamed buffer is checked once saved under a name, and after :saveas', function()
  vim.cmd('enew')
  local buf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(broken_text, '\n', { plain = true }))
  vim.bo[buf].filetype = 'markdown'
  vim.wait(300)
  assert(nianbao_client(buf) == nil, 'an unnamed buffer was attached (its URI would be file://)')
  vim.cmd('write ' .. vim.fn.fnameescape(fixtures .. '/saved.md'))
  wait_for('total-mismatch in the saved buffer', function()
    return #diags(buf, 'total-mismatch', b.line) == 1
  end)
  vim.cmd('saveas ' .. vim.fn.fnameescape(fixtures .. '/renamed.md'))
  local renamed_buf = vim.api.nvim_get_current_buf()
  break_total(renamed_buf, '4') -- fixes it: the server must apply this to the document it knows
  wait_for('the diagnostic to clear after the fix in the renamed buffer', function()
    return #diags(renamed_buf, 'total-mismatch') == 0
  end)
  break_total(renamed_buf, '6')
  wait_for('total-mismatch again after breaking it in the renamed buffer', function()
    return #diags(renamed_buf, 'total-mismatch', b.line) == 1
  end)
  no_phantom_buffers()
end)

test('Markdown that is not a report is not attached, until it becomes one', function()
  local path = fixtures .. '/notes.md'
  local f = assert(io.open(path, 'w'))
  f:write('# 周会记录\n\n- 讨论了下周的安排。\n')
  f:close()
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  vim.wait(300)
  assert(nianbao_client(buf) == nil, 'attached to a Markdown file that is not a report')
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(broken_text, '\n', { plain = true }))
  vim.cmd('write')
  wait_for('total-mismatch once a report was pasted in and saved', function()
    return #diags(buf, 'total-mismatch', b.line) == 1
  end)
end)

test(':NianbaoFixAll says what it fixed, and that a non-report is not checked', function()
  write_fixture('several-again.md', several_text)
  local buf = open('several-again.md')
  wait_for(#meta.several .. ' total-mismatch diagnostics', function()
    return #diags(buf, 'total-mismatch') >= #meta.several
  end)
  vim.cmd('NianbaoFixAll')
  local msg = wait_note('已修复')
  assert(msg:find('总计 ' .. #meta.several .. ' 处', 1, true), msg)
  -- A file about 政府信息公开 that is no report is attached, and the server says it is none.
  local other = fixtures .. '/关于政府信息公开工作的会议纪要.md'
  local f = assert(io.open(other, 'w'))
  f:write('# 会议纪要\n\n会议讨论了政府信息公开工作。\n')
  f:close()
  vim.cmd('edit ' .. vim.fn.fnameescape(other))
  local nb = vim.api.nvim_get_current_buf()
  wait_for('the status of the minutes', function()
    return status_of(nb) ~= nil
  end)
  vim.cmd('NianbaoFixAll')
  wait_note('不是年度报告')
end)

test('a report window gets the status line (the window defaults work in every version)', function()
  write_fixture('status.md', broken_text)
  local buf = open('status.md')
  wait_for('the server to say status.md is a report', function()
    local st = status_of(buf)
    return st and st.isReport
  end)
  wait_for('total-mismatch in status.md', function()
    return #diags(buf, 'total-mismatch', b.line) == 1
  end)
  assert(vim.wo.statusline:find('nianbao', 1, true), 'window statusline is ' .. vim.wo.statusline)
  vim.api.nvim_win_set_cursor(0, { b.line + 1, b.colByte })
  local drawn = vim.api.nvim_eval_statusline(vim.wo.statusline, {}).str
  assert(drawn:find('表三：1 个错误', 1, true), 'status line drawn as ' .. drawn)
end)

-- ---------------------------------------------------------------- completion, formatting, damaged rows

local function buf_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

-- Asserts that a buffer holds `lines` (the lines of a file: a last empty one is its final newline).
local function assert_lines(bufnr, lines)
  local want = vim.deepcopy(lines)
  if want[#want] == '' then
    table.remove(want)
  end
  local got = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  for i = 1, math.max(#got, #want) do
    assert(got[i] == want[i], string.format('line %d is %q, expected %q', i, tostring(got[i]), tostring(want[i])))
  end
end

-- Types `typed` at the end of line `row` (0-based) in Insert mode and presses <C-x><C-o> with
-- omnifunc = vim.lsp.omnifunc, as a user would. Returns the words offered; when `choose` is
-- given, the item with that word is accepted (else completion is cancelled), then <Esc>.
local function omni_complete(bufnr, row, typed, choose)
  if has_011 then -- Neovim sets it when the client attaches
    assert(vim.bo[bufnr].omnifunc == 'v:lua.vim.lsp.omnifunc', 'omnifunc is ' .. vim.bo[bufnr].omnifunc)
  else -- 0.7 leaves markdown's htmlcomplete: users set it in on_attach (:help lsp)
    vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
  end
  vim.api.nvim_win_set_cursor(0, { row + 1, 0 })
  local offered, chosen
  local started = vim.loop.now()
  local timer = vim.loop.new_timer()
  -- Feedkeys with 'x!' stays in Insert mode while the server answers; this timer watches the
  -- popup menu, picks the item and leaves Insert mode (or gives up after TIMEOUT).
  timer:start(50, 50, vim.schedule_wrap(function()
    if offered ~= nil or timer:is_closing() then
      return
    end
    local info = vim.fn.complete_info({ 'items' })
    local waited = vim.loop.now() - started
    if #info.items == 0 and waited < TIMEOUT then
      return
    end
    offered = {}
    for i, item in ipairs(info.items) do
      table.insert(offered, item.word)
      if choose and item.word == choose then
        chosen = i - 1
      end
    end
    timer:stop()
    timer:close()
    if chosen then
      vim.api.nvim_select_popupmenu_item(chosen, true, true, {})
    else
      vim.api.nvim_input('<C-e>')
    end
    vim.api.nvim_input('<Esc>')
  end))
  vim.fn.feedkeys('A' .. typed .. vim.api.nvim_replace_termcodes('<C-x><C-o>', true, false, true), 'x!')
  wait_for('the completion to finish', function()
    return offered ~= nil and vim.fn.mode() == 'n'
  end)
  return offered, chosen ~= nil
end

-- The section titles of the standard report (the `## ` headings of base.md).
local section_titles = {}
for _, l in ipairs(base_lines) do
  local title = l:match('^## (.+)$')
  if title then
    table.insert(section_titles, title)
  end
end

test('completion on a heading line gives the section title and keeps "## "', function()
  local title = '五、存在的主要问题及改进情况'
  local lines = vim.deepcopy(base_lines)
  local at
  for i, l in ipairs(lines) do
    if l == '## ' .. title then
      at = i
    end
  end
  assert(at, 'no heading ## ' .. title .. ' in base.md')
  lines[at] = '' -- the heading lost, its text kept: the drafter types it again
  write_fixture('heading.md', table.concat(lines, '\n'))
  local buf = open('heading.md')
  wait_for('the server to say heading.md is a report', function()
    local st = status_of(buf)
    return st and st.isReport
  end)
  local want = '## ' .. title
  local offered, accepted = omni_complete(buf, at - 1, '## 五', title)
  assert(accepted, 'no item ' .. title .. ' offered: ' .. vim.inspect(offered))
  assert(#offered == 1, 'typing 五 should leave only the one title: ' .. vim.inspect(offered))
  local got = vim.api.nvim_buf_get_lines(buf, at - 1, at, false)[1]
  assert(got == want, string.format('the line reads %q, expected %q', got, want))
  -- Every other line is as it was.
  lines[at] = want
  assert_lines(buf, lines)
end)

test('completion in a table 三 label cell offers that column\'s labels only', function()
  -- The labels of table 三's second label column in base.md: （一）予以公开 … （七）总计.
  local column2, t3_labels = {}, {}
  local first, last
  for i, l in ipairs(base_lines) do
    if l:find('一、本年新收政府信息公开申请数量', 1, true) then
      first = i
    elseif l:find('四、结转下年度继续办理', 1, true) then
      last = i
    end
  end
  assert(first and last, 'table 三 not found in base.md')
  for i = first, last do
    local cells = vim.split(base_lines[i], '|', { plain = true })
    for c = 2, 4 do
      local text = vim.trim(cells[c] or '')
      if text ~= '' then
        t3_labels[text] = true
        if c == 3 then
          column2[text] = true
        end
      end
    end
  end
  -- A new row typed under （六）其他处理's items, before （七）总计: `|  | ` then <C-x><C-o>.
  local total_row
  for i = first, last do
    if base_lines[i]:find('（七）总计', 1, true) then
      total_row = i
    end
  end
  local lines = vim.deepcopy(base_lines)
  table.insert(lines, total_row, '')
  write_fixture('cell.md', table.concat(lines, '\n'))
  local buf = open('cell.md')
  wait_for('the server to say cell.md is a report', function()
    local st = status_of(buf)
    return st and st.isReport
  end)
  local offered = omni_complete(buf, total_row - 1, '|  | ', nil)
  assert(#offered > 0, 'nothing offered in the label cell')
  local seen = {}
  for _, w in ipairs(offered) do
    assert(not vim.tbl_contains(section_titles, w), 'a section title offered in a table cell: ' .. vim.inspect(offered))
    assert(t3_labels[w], w .. ' is no label of table 三: ' .. vim.inspect(offered))
    assert(column2[w], w .. ' is a label of another column of table 三: ' .. vim.inspect(offered))
    seen[w] = true
  end
  for label in pairs(column2) do
    assert(seen[label], label .. ' not offered: ' .. vim.inspect(offered))
  end
end)

-- The display columns of a line's pipes (CJK characters are two columns wide). strwidth, not
-- strdisplaywidth: the latter adds a column where a wide character wraps at the window's edge.
local function pipe_columns(line)
  local cols = {}
  local i = 0
  while true do
    i = line:find('|', i + 1, true)
    if not i then
      return cols
    end
    table.insert(cols, vim.fn.strwidth(line:sub(1, i - 1)))
  end
end

-- A table line's cell texts; a separator row's cells reduced to their alignment (`-`, `-:`, `:-:`).
local function cell_texts(line)
  local parts = vim.split(line, '|', { plain = true })
  local out = {}
  for k = 2, #parts - 1 do
    local t = vim.trim(parts[k])
    if t:match('^:?%-+:?$') then
      t = t:gsub('%-+', '-')
    end
    table.insert(out, t)
  end
  return table.concat(out, '|')
end

local function format_buffer(bufnr)
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ bufnr = bufnr, timeout_ms = TIMEOUT })
  else
    vim.lsp.buf.formatting_sync(nil, TIMEOUT) -- Neovim 0.7
  end
end

test('formatting aligns the pipe tables by display width, keeps every cell and is idempotent', function()
  local buf = open('misaligned.md')
  wait_for('the server to say misaligned.md is a report', function()
    local st = status_of(buf)
    return st and st.isReport
  end)
  local before = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  -- The cursor in the （七）总计 label cell.
  local total_row
  for i, l in ipairs(before) do
    if l:find('（七）总计', 1, true) then
      total_row = i
    end
  end
  vim.api.nvim_win_set_cursor(0, { total_row, (before[total_row]:find('总计', 1, true)) - 1 })
  format_buffer(buf)
  local after = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  assert(#after == #before, string.format('%d lines became %d', #before, #after))
  local tables, changed = 0, 0 -- base.md has six: four in section 二, tables 三 and 四
  local cols -- the pipe columns of the current table's first row
  for i, l in ipairs(after) do
    if l:sub(1, 1) == '|' then
      assert(cell_texts(l) == cell_texts(before[i]),
        string.format('line %d: cells %q became %q', i, cell_texts(before[i]), cell_texts(l)))
      if cols == nil then
        cols = pipe_columns(l)
        tables = tables + 1
      else
        local here = pipe_columns(l)
        assert(vim.deep_equal(here, cols), string.format('line %d: pipes at display columns %s, the first row of its table at %s\n%s',
          i, table.concat(here, ','), table.concat(cols, ','), table.concat(after, '\n', math.max(1, i - 3), i)))
      end
      if l ~= before[i] then
        changed = changed + 1
      end
    else
      cols = nil
      assert(l == before[i], string.format('line %d outside the tables changed: %q → %q', i, before[i], l))
    end
  end
  assert(tables == 6 and changed > 0, string.format('%d tables, %d lines changed', tables, changed))
  -- The cursor stays in its cell.
  local cur = vim.api.nvim_win_get_cursor(0)
  local line = after[cur[1]]
  local cell_start = 0
  for k = cur[2], 1, -1 do
    if line:sub(k, k) == '|' then
      cell_start = k
      break
    end
  end
  local cell_end = line:find('|', cur[2] + 1, true) or #line + 1
  local cell = vim.trim(line:sub(cell_start + 1, cell_end - 1))
  assert(cur[1] == total_row and cell == '（七）总计',
    string.format('the cursor went to line %d, cell %q', cur[1], cell))
  -- Formatting again changes nothing.
  format_buffer(buf)
  local again = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for i = 1, #after do
    assert(again[i] == after[i], string.format('a second format changed line %d: %q → %q', i, after[i], again[i]))
  end
  assert(#again == #after, 'a second format changed the line count')
end)

test('a damaged row: row-shape shown on it, fix-all leaves it as it is and fixes the other totals, once', function()
  local dm = meta.damaged
  local buf = open('damaged.md')
  wait_for('row-shape on the ' .. #dm.rows .. ' damaged rows', function()
    for _, r in ipairs(dm.rows) do
      if #diags(buf, 'row-shape', r.line) == 0 then
        return false
      end
    end
    return true
  end)
  for _, r in ipairs(dm.rows) do
    local d = diags(buf, 'row-shape', r.line)[1]
    assert(d.severity == vim.diagnostic.severity.ERROR, 'row-shape on line ' .. (r.line + 1) .. ' is not an error: ' .. describe({ d }))
  end
  wait_for('total-mismatch on the ' .. #dm.fixed .. ' wrong totals', function()
    for _, f in ipairs(dm.fixed) do
      if #diags(buf, 'total-mismatch', f.line) == 0 then
        return false
      end
    end
    return true
  end)
  vim.cmd('NianbaoFixAll')
  for _, r in ipairs(dm.rows) do
    local got = vim.api.nvim_buf_get_lines(buf, r.line, r.line + 1, false)[1]
    assert(got == r.text, string.format('fix-all changed damaged line %d: %q → %q', r.line + 1, r.text, got))
  end
  for _, f in ipairs(dm.fixed) do
    local got = vim.api.nvim_buf_get_lines(buf, f.line, f.line + 1, false)[1]
    assert(got == f.want, string.format('line %d is %q after fix-all, expected %q', f.line + 1, got, f.want))
  end
  local once = buf_text(buf)
  wait_for('the wrong totals to clear, row-shape to stay', function()
    return #diags(buf, 'total-mismatch') == 0 and #diags(buf, 'row-shape') == #dm.rows
  end)
  local applied = require('nianbao').fix_all(buf)
  assert(not applied and buf_text(buf) == once, 'a second fix-all changed the text')
  vim.cmd('write')
  local disk = vim.split(read_file(fixtures .. '/damaged.md'), '\n', { plain = true })
  for _, r in ipairs(dm.rows) do
    assert(disk[r.line + 1] == r.text, 'damaged line ' .. (r.line + 1) .. ' on disk: ' .. disk[r.line + 1])
  end
end)

if has_011 then
  test('report buffers show virtual text, inlay hints, gO outline, folds and a status line', function()
    write_fixture('defaults.md', broken_text)
    local buf = open('defaults.md')
    wait_for('total-mismatch in defaults.md', function()
      return #diags(buf, 'total-mismatch', b.line) == 1
    end)
    local d = diags(buf, 'total-mismatch', b.line)[1]
    -- Virtual text: an extmark on the row carrying the message.
    local found = false
    for _, m in ipairs(vim.api.nvim_buf_get_extmarks(buf, -1, { b.line, 0 }, { b.line, -1 }, { details = true })) do
      for _, chunk in ipairs(m[4].virt_text or {}) do
        if chunk[1]:find('总计应为', 1, true) then
          found = true
        end
      end
    end
    assert(found, 'no virtual text with the message on line ' .. (b.line + 1))
    -- Inlay hint beside the wrong total.
    wait_for('an inlay hint on line ' .. (b.line + 1), function()
      for _, h in ipairs(vim.lsp.inlay_hint.get({ bufnr = buf })) do
        if h.inlay_hint.position.line == b.line then
          return true
        end
      end
      return false
    end)
    -- The status line: the table under the cursor and its problem.
    vim.api.nvim_win_set_cursor(0, { b.line + 1, b.colByte })
    local s = require('nianbao').statusline(buf)
    assert(s == '表三：1 个错误', 'statusline() gives ' .. s)
    assert(vim.wo.statusline:find('nianbao', 1, true), 'window statusline is ' .. vim.wo.statusline)
    local drawn = vim.api.nvim_eval_statusline(vim.wo.statusline, {}).str
    assert(drawn:find('表三：1 个错误', 1, true), 'status line drawn as ' .. drawn)
    -- Folding by the server's ranges.
    assert(vim.wo.foldmethod == 'expr' and vim.wo.foldexpr:find('lsp', 1, true), 'foldexpr ' .. vim.wo.foldexpr)
    wait_for('a fold level on the table row', function()
      return vim.fn.foldlevel(b.line + 1) > 0
    end)
    -- gO: the outline in the location list.
    vim.api.nvim_feedkeys('gO', 'x', false)
    local list = vim.fn.getloclist(0, { items = 1, title = 1 })
    if #list.items == 0 then -- the location list window has the focus: ask the report window's list
      list = vim.fn.getloclist(vim.fn.win_getid(vim.fn.winnr('#')), { items = 1, title = 1 })
    end
    local texts = {}
    for _, it in ipairs(list.items) do
      table.insert(texts, it.text)
    end
    local joined = table.concat(texts, '\n')
    assert(list.title == 'nianbao 大纲', 'location list title ' .. tostring(list.title))
    assert(joined:find('三、收到和处理政府信息公开申请情况', 1, true) and joined:find('　表三', 1, true), joined)
    vim.cmd('lclose')
    assert(d.message ~= nil)
  end)

  test(':help nianbao works (doc/tags shipped)', function()
    vim.cmd('help nianbao-defaults')
    assert(vim.bo.filetype == 'help', 'filetype ' .. vim.bo.filetype)
    assert(vim.api.nvim_buf_get_name(0):find('nianbao.txt', 1, true), vim.api.nvim_buf_get_name(0))
    vim.cmd('helpclose')
  end)
end

test('a GB18030 file opens as Chinese and is checked', function()
  vim.cmd('edit ' .. vim.fn.fnameescape(fixtures .. '/gb18030.txt'))
  local buf = vim.api.nvim_get_current_buf()
  assert(vim.bo[buf].fileencoding == 'gb18030', 'fileencoding ' .. vim.bo[buf].fileencoding)
  local line = vim.api.nvim_buf_get_lines(buf, b.line, b.line + 1, false)[1]
  assert(line:find(b.rowLabel, 1, true), 'line ' .. (b.line + 1) .. ' reads ' .. line)
  wait_for('total-mismatch in the GB18030 file', function()
    return #diags(buf, 'total-mismatch', b.line) == 1
  end)
end)

if has_011 then
  test(':checkhealth nianbao finds the server', function()
    vim.cmd('checkhealth nianbao')
    local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
    assert(text:find('server: ', 1, true) and not text:find('ERROR', 1, true), text)
  end)
end

results:close()
vim.cmd('qa!')
