-- Headless Neovim 0.11 test: a bracketed paste of every seed report into an empty buffer gives
-- exactly the diagnostics of `nianbao check --format json` for that file (code and range).
--
-- The paste goes through nvim_paste, as the TUI delivers a bracketed paste: in chunks cut at
-- arbitrary byte offsets, many of them inside CJK characters, with pauses in between so that the
-- client sends some chunks in one didChange and others in separate ones.
-- Run by run.sh as: nvim --headless -c 'luafile paste.lua', with the plugin installed as a native
-- package and an init.lua that only enables the server.
-- Env: NB_SEEDS (folder of seed reports), NB_FIXTURES (a scratch folder), NB_RESULTS (file to
-- append PASS/FAIL lines to), NB_SUITE (name printed before each test).
local seeds = assert(os.getenv('NB_SEEDS'), 'NB_SEEDS')
local scratch = assert(os.getenv('NB_FIXTURES'), 'NB_FIXTURES')
local results = assert(io.open(assert(os.getenv('NB_RESULTS'), 'NB_RESULTS'), 'a'))
local suite = os.getenv('NB_SUITE') or 'nvim paste'
local TIMEOUT = 20000

local function read_file(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

local function record(name, ok, msg)
  local line = (ok and 'PASS ' or 'FAIL ') .. suite .. ': ' .. name .. ((msg and msg ~= '') and (' — ' .. msg) or '')
  results:write(line .. '\n')
  results:flush()
  io.stdout:write(line .. '\n')
end

-- The versions of the publishDiagnostics the client received, per buffer.
local published = {}
local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result and result.version then
    local bufnr = vim.uri_to_bufnr(result.uri)
    published[bufnr] = math.max(published[bufnr] or -1, result.version)
  end
  return default_handler(err, result, ctx, config)
end

-- A small deterministic generator, so that a failure can be reproduced.
local seed_state = 20250601
local function rand(n)
  seed_state = (seed_state * 1103515245 + 12345) % 2147483648
  return seed_state % n + 1
end

--- Chunks of `text` cut at pseudo-random byte offsets (1 to 97 bytes), so that most CJK
--- characters of a long text are cut somewhere. Returns the chunks and how many cuts fell
--- inside a character.
local function chunks_of(text)
  local out, inside, i = {}, 0, 1
  while i <= #text do
    local j = math.min(#text, i + rand(97) - 1)
    table.insert(out, text:sub(i, j))
    local nextb = text:byte(j + 1)
    if nextb and nextb >= 0x80 and nextb < 0xC0 then
      inside = inside + 1
    end
    i = j + 1
  end
  return out, inside
end

--- What `nianbao check --format json` reports for a file: "code@line:col-line:col" in byte
--- columns (Neovim's diagnostics are in bytes; the CLI's characters are UTF-16 units).
local function expected(path, lines)
  local out = vim.fn.system({ 'nianbao', 'check', '--format', 'json', path })
  local ok, json = pcall(vim.json.decode, out)
  assert(ok and json.files, 'nianbao check output: ' .. out:sub(1, 300))
  local list = {}
  local function col(p)
    local line = lines[p.line + 1] or ''
    return vim.str_byteindex(line, 'utf-16', p.character, false)
  end
  for _, d in ipairs(json.files[1].diagnostics or {}) do
    local r = d.range
    table.insert(list, string.format('%s@%d:%d-%d:%d', d.code, r.start.line, col(r.start), r['end'].line, col(r['end'])))
  end
  table.sort(list)
  return list
end

local function shown(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'nianbao' then
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      table.insert(list, string.format('%s@%d:%d-%d:%d', tostring(code), d.lnum, d.col, d.end_lnum, d.end_col))
    end
  end
  table.sort(list)
  return list
end

local function differences(want, got)
  local w, g = {}, {}
  for _, x in ipairs(want) do w[x] = (w[x] or 0) + 1 end
  for _, x in ipairs(got) do g[x] = (g[x] or 0) + 1 end
  local parts = {}
  for x, n in pairs(w) do
    if (g[x] or 0) < n then table.insert(parts, 'missing ' .. x) end
  end
  for x, n in pairs(g) do
    if (w[x] or 0) < n then table.insert(parts, 'extra ' .. x) end
  end
  table.sort(parts)
  return table.concat(parts, '; ')
end

local function attached(bufnr)
  assert(vim.wait(TIMEOUT, function()
    return #vim.lsp.get_clients({ bufnr = bufnr, name = 'nianbao' }) > 0
  end, 20), 'the nianbao client did not attach')
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'nianbao' })[1]
  assert(vim.wait(TIMEOUT, function() return client.initialized end, 20), 'not initialized')
end

--- Waits for the diagnostics of the buffer's current version (the version the client sends).
local function settled(bufnr)
  local final = vim.lsp.util.buf_versions[bufnr] or 0
  assert(vim.wait(TIMEOUT, function()
    return (published[bufnr] or -1) >= final
  end, 20), string.format('no publish for version %d (last %s)', final, tostring(published[bufnr])))
end

--- The server's outline of a buffer: sections and tables with their ranges, a fingerprint of
--- the text it holds.
local function symbols(bufnr)
  local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/documentSymbol',
    { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }, TIMEOUT)
  for _, r in pairs(res or {}) do
    if r.result then
      return vim.inspect(r.result)
    end
  end
  return 'no answer'
end

local files = vim.fn.glob(seeds .. '/*.txt', false, true)
table.sort(files)
assert(#files > 0, 'no seeds in ' .. seeds)

for _, path in ipairs(files) do
  local name = vim.fn.fnamemodify(path, ':t:r')
  local ok, err = xpcall(function()
    local text = read_file(path)
    local lines = vim.split(text, '\n', { plain = true })
    local want = expected(path, lines)

    -- The same text opened from disk: its outline, to compare with the pasted one's. A paste
    -- that ends in a line break leaves the empty line the buffer started with after it: the
    -- file gets one too, so that both hold the same text.
    local reference = scratch .. '/reference-' .. name .. '.txt'
    vim.fn.writefile(vim.split(text .. '\n', '\n', { plain = true }), reference, 'b')
    vim.cmd('edit ' .. vim.fn.fnameescape(reference))
    local ref = vim.api.nvim_get_current_buf()
    attached(ref)
    settled(ref)
    local ref_symbols = symbols(ref)
    vim.cmd('silent! bwipeout!')

    -- An empty, named buffer (a new file), as a drafter starts one.
    vim.cmd('enew')
    vim.cmd('edit ' .. vim.fn.fnameescape(scratch .. '/pasted-' .. name .. '.txt'))
    local bufnr = vim.api.nvim_get_current_buf()
    attached(bufnr)

    local chunks, inside = chunks_of(text)
    for i, c in ipairs(chunks) do
      local phase = (#chunks == 1) and -1 or (i == 1 and 1 or (i == #chunks and 3 or 2))
      vim.api.nvim_paste(c, true, phase)
      if i % 9 == 0 then
        -- A pause longer than the client's debounce: the next chunks go in another didChange.
        vim.wait(200)
      end
    end

    local got_text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
    assert(got_text == text, 'the buffer does not hold the pasted text')

    settled(bufnr)
    local got = shown(bufnr)
    local diff = differences(want, got)
    if diff ~= '' then
      error(string.format('%d diagnostics expected, %d shown: %s', #want, #got, diff))
    end
    -- The server holds the text the buffer holds (its outline is the file's).
    local got_symbols = symbols(bufnr)
    assert(got_symbols == ref_symbols, 'outline differs from the file opened from disk: ' .. got_symbols:sub(1, 300))
    return string.format('%d of %d diagnostics equal to nianbao check, outline equal (%d chunks, %d cut inside a character)',
      #got, #want, #chunks, inside)
  end, debug.traceback)
  record('paste of seed ' .. name, ok, ok and err or tostring(err):gsub('\n', ' | '))
  vim.cmd('silent! bwipeout!')
end

results:close()
vim.cmd('qa!')
