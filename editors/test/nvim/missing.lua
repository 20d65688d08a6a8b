-- Headless Neovim test of the plugin without the `nianbao` program on PATH: opening a report
-- must say so in Chinese, once, instead of nothing at all. Run by run.sh like test.lua.
local fixtures = assert(os.getenv('NB_FIXTURES'), 'NB_FIXTURES')
local results = assert(io.open(assert(os.getenv('NB_RESULTS'), 'NB_RESULTS'), 'a'))
local suite = os.getenv('NB_SUITE') or 'nvim'

local seen = {}
vim.notify = function(msg)
  table.insert(seen, tostring(msg))
end

local function record(name, ok, msg)
  local line = (ok and 'PASS ' or 'FAIL ') .. suite .. ': ' .. name .. ((not ok and msg) and (' — ' .. msg) or '')
  results:write(line .. '\n')
  results:flush()
  io.stdout:write(line .. '\n')
end

local ok, err = pcall(function()
  assert(vim.fn.executable('nianbao') == 0, 'nianbao is on PATH: ' .. vim.fn.exepath('nianbao'))
  vim.cmd('edit ' .. vim.fn.fnameescape(fixtures .. '/broken.md'))
  vim.cmd('edit ' .. vim.fn.fnameescape(fixtures .. '/several.md'))
  local got = vim.wait(5000, function()
    return #seen > 0
  end, 50)
  assert(got, 'no message at all')
  vim.wait(300)
  assert(#seen == 1, 'expected one message, got ' .. #seen .. ': ' .. table.concat(seen, ' | '))
  local m = seen[1]
  assert(m:find('找不到程序「nianbao」', 1, true) and m:find('cargo install', 1, true) and m:find('PATH', 1, true), m)
end)
record('a report opened without nianbao on PATH gives one Chinese message saying what to do', ok, not ok and tostring(err) or nil)
results:close()
vim.cmd('qa!')
