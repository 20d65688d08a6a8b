-- nianbao for Neovim: checks drafts of 政府信息公开工作年度报告 through the
-- `nianbao lsp` language server.
--
-- Neovim 0.11+: the server is configured by lsp/nianbao.lua; vim.lsp.enable('nianbao')
-- is all a user needs. setup{} also works there (it calls vim.lsp.config/enable).
-- Neovim 0.7–0.10: require('nianbao').setup{} starts the server for markdown
-- and text buffers (vim.lsp.start where it exists, else vim.lsp.start_client).
local M = {}

local FIX_ALL_KIND = 'source.fixAll.nianbao'
local has_011 = vim.fn.has('nvim-0.11') == 1

local function notify(msg, level)
  vim.notify('nianbao: ' .. msg, level or vim.log.levels.INFO)
end

--- Default client configuration; lsp/nianbao.lua returns it for Neovim 0.11+.
function M.default_config()
  return {
    name = 'nianbao',
    cmd = { 'nianbao', 'lsp' },
    filetypes = { 'markdown', 'text' },
    root_markers = { '.git' },
    settings = {
      nianbao = {
        disabledCodes = {},
        severity = {},
        diagnosticsDelayMs = 150,
        inlayHints = true,
      },
    },
    before_init = function(params, config)
      M.before_init(params, config)
    end,
  }
end

-- Lua cannot tell an empty list from an empty map and vim.json encodes {} as [].
-- `severity` is a map: mark it so that it is sent as {}.
local function normalize_settings(settings)
  local s = settings and settings.nianbao
  if type(s) == 'table' and type(s.severity) == 'table' and next(s.severity) == nil then
    s.severity = vim.empty_dict()
  end
  return s
end

--- before_init hook: sends the `nianbao` settings as initializationOptions too.
function M.before_init(params, config)
  local s = normalize_settings(config.settings)
  if s and params.initializationOptions == nil then
    params.initializationOptions = s
  end
end

--- The nianbao client attached to a buffer, if any.
function M.get_client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'nianbao' })[1]
  end
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == 'nianbao' then
      return client
    end
  end
  return nil
end

local function request_sync(client, method, params, timeout_ms, bufnr)
  if has_011 then
    return client:request_sync(method, params, timeout_ms, bufnr)
  end
  return client.request_sync(method, params, timeout_ms, bufnr)
end

--- Requests the `source.fixAll.nianbao` code action for the whole buffer and applies it.
--- Returns true when an edit was applied.
function M.fix_all(bufnr, timeout_ms)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.get_client(bufnr)
  if not client then
    notify('当前缓冲区没有连接 nianbao 服务（请先打开 Markdown 或文本格式的报告）', vim.log.levels.WARN)
    return false
  end
  -- The server's own diagnostics, as it sent them. Neovim 0.10+ keeps the whole
  -- LSP diagnostic in user_data.lsp; 0.7 keeps only some fields (no range), and
  -- then none is sent: the server computes the fixes from the text anyway.
  local diagnostics = {}
  local ns = vim.lsp.diagnostic.get_namespace(client.id)
  for _, d in ipairs(vim.diagnostic.get(bufnr, { namespace = ns })) do
    local lsp = d.user_data and d.user_data.lsp
    if lsp and lsp.range then
      table.insert(diagnostics, lsp)
    end
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = {
      start = { line = 0, character = 0 },
      ['end'] = { line = vim.api.nvim_buf_line_count(bufnr), character = 0 },
    },
    context = { diagnostics = diagnostics, only = { FIX_ALL_KIND } },
  }
  local response, err = request_sync(client, 'textDocument/codeAction', params, timeout_ms or 5000, bufnr)
  if not response or response.err then
    notify('请求修复失败：' .. tostring(err or (response and response.err and response.err.message)), vim.log.levels.ERROR)
    return false
  end
  for _, action in ipairs(response.result or {}) do
    if action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
      return true
    end
  end
  notify('没有需要填入的总计：可计算的总计都已正确')
  return false
end

local function server_cmd()
  local client = M.get_client(0)
  if client and client.config and client.config.cmd then
    return client.config.cmd[1]
  end
  if has_011 and vim.lsp.config and vim.lsp.config.nianbao and vim.lsp.config.nianbao.cmd then
    local cmd = vim.lsp.config.nianbao.cmd
    if type(cmd) == 'table' then
      return cmd[1]
    end
  end
  return (M.config and M.config.cmd[1]) or 'nianbao'
end

--- Opens the standard draft (`nianbao new`) for an organisation and year in a new markdown buffer.
function M.new_report(org, year)
  year = year or tostring(tonumber(os.date('%Y')) - 1)
  local exe = server_cmd()
  local out = vim.fn.system({ exe, 'new', '--org', org, '--year', year })
  if vim.v.shell_error ~= 0 then
    notify('生成报告草稿失败：' .. out, vim.log.levels.ERROR)
    return
  end
  vim.cmd('enew')
  local lines = vim.split(out, '\n', { plain = true })
  if lines[#lines] == '' then
    table.remove(lines)
  end
  vim.api.nvim_buf_set_lines(0, 0, -1, false, lines)
  vim.bo.filetype = 'markdown'
end

local function find_root(bufnr, markers)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= '' and vim.fn.fnamemodify(name, ':p:h') or vim.fn.getcwd()
  for _, marker in ipairs(markers or {}) do
    local found = vim.fn.finddir(marker, dir .. ';')
    if found == '' then
      found = vim.fn.findfile(marker, dir .. ';')
    end
    if found ~= '' then
      return vim.fn.fnamemodify(found, ':p:h:h')
    end
  end
  return dir
end

local legacy_clients = {} -- root_dir -> client id (Neovim 0.7 only)
local warned_missing = false

local function attach_legacy(bufnr, config)
  if vim.bo[bufnr].buftype ~= '' then
    return -- hover windows and other scratch buffers are markdown too
  end
  if vim.fn.executable(config.cmd[1]) ~= 1 then
    if not warned_missing then
      warned_missing = true
      notify(
        '找不到 nianbao 程序「' .. config.cmd[1] .. '」。请安装 nianbao（cargo install --path .）并确保它在 PATH 中，'
          .. "或在 setup{ cmd = { '/完整/路径/nianbao', 'lsp' } } 中写明路径。",
        vim.log.levels.ERROR
      )
    end
    return
  end
  local root = find_root(bufnr, config.root_markers)
  local client_config = {
    name = 'nianbao',
    cmd = config.cmd,
    root_dir = root,
    settings = config.settings,
    init_options = config.init_options,
    on_attach = config.on_attach,
    capabilities = config.capabilities,
    before_init = config.before_init,
  }
  if vim.lsp.start then
    vim.lsp.start(client_config, { bufnr = bufnr })
    return
  end
  local id = legacy_clients[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(client_config)
    legacy_clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

--- Starts nianbao for markdown and text buffers.
--- opts: any client config field (cmd, filetypes, settings, on_attach, capabilities, root_markers).
function M.setup(opts)
  opts = opts or {}
  if has_011 then
    if next(opts) ~= nil then
      vim.lsp.config('nianbao', opts)
    end
    vim.lsp.enable('nianbao')
    return
  end
  local config = vim.tbl_deep_extend('force', M.default_config(), opts)
  M.config = config
  local group = vim.api.nvim_create_augroup('nianbao', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      attach_legacy(args.buf, config)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      attach_legacy(bufnr, config)
    end
  end
end

return M
