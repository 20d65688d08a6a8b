-- Loaded into a Neovim run by typing.py: writes what happens, with times in milliseconds from
-- one clock, to NB_PROBE_OUT, one JSON object a line: {"ev":"key","t":…,"key":"1"} for each key
-- typed, {"ev":"publish","t":…,"version":…,"codes":[…]} for each publishDiagnostics of the
-- report, {"ev":"status",…} for each nianbao/status.
local out = assert(io.open(assert(os.getenv('NB_PROBE_OUT'), 'NB_PROBE_OUT'), 'a'))
local uv = vim.uv or vim.loop
local function ms()
  return uv.hrtime() / 1e6
end
local function emit(t)
  out:write(vim.json.encode(t) .. '\n')
  out:flush()
end
vim.on_key(function(key)
  if key == '1' or key == '2' then
    emit({ ev = 'key', t = ms(), key = key })
  end
end)
local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  local codes = {}
  for _, d in ipairs((result and result.diagnostics) or {}) do
    table.insert(codes, d.code)
  end
  emit({ ev = 'publish', t = ms(), version = result and result.version, codes = codes })
  return publish(err, result, ctx, config)
end
vim.api.nvim_create_autocmd('LspAttach', {
  callback = function()
    emit({ ev = 'attach', t = ms() })
  end,
})
