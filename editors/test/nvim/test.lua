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

test(':NianbaoNew opens the standard draft', function()
  vim.cmd('NianbaoNew 编辑器测试局 2024')
  local first = table.concat(vim.api.nvim_buf_get_lines(0, 0, 5, false), '\n')
  assert(vim.bo.filetype == 'markdown', 'filetype ' .. vim.bo.filetype)
  assert(first:find('编辑器测试局', 1, true) and first:find('2024', 1, true), 'draft starts with: ' .. first)
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
