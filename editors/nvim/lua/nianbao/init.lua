-- nianbao for Neovim: checks drafts of 政府信息公开工作年度报告 through the
-- `nianbao lsp` language server.
--
-- Neovim 0.11+: the server is configured by lsp/nianbao.lua; vim.lsp.enable('nianbao')
-- is all a user needs. setup{} also works there (it calls vim.lsp.config/enable).
-- Neovim 0.7–0.10: require('nianbao').setup{} starts the server for markdown
-- and text buffers (vim.lsp.start where it exists, else vim.lsp.start_client).
--
-- What the plugin adds to a report buffer (each can be turned off in vim.g.nianbao, see
-- :help nianbao-defaults): nianbao's diagnostics as virtual text, inlay hints, `gO` for the
-- report's outline, folding by the server's ranges, a status line, GB18030 files read right.
local M = {}

local FIX_ALL_KIND = 'source.fixAll.nianbao'
local STATUS_METHOD = 'nianbao/status'
local has_011 = vim.fn.has('nvim-0.11') == 1
local has_010 = vim.fn.has('nvim-0.10') == 1
local uv = vim.uv or vim.loop

local function notify(msg, level)
  vim.notify('nianbao：' .. msg, level or vim.log.levels.INFO)
end

-- ---------------------------------------------------------------- options

--- The editor defaults for report buffers; vim.g.nianbao overrides any of them.
M.defaults = {
  only_reports = true, -- attach only to buffers that look like reports
  virtual_text = true, -- nianbao's diagnostics at the end of their line
  inlay_hints = true, -- computed totals beside wrong ones (Neovim 0.10+)
  outline = true, -- gO lists the report's sections and tables
  folding = true, -- fold sections and tables by the server's ranges (Neovim 0.11+)
  statusline = true, -- a status line naming what the check found (when 'statusline' is empty)
  fileencodings = true, -- read .md/.txt as GB18030 when they are not UTF-8
}

--- The options in force: M.defaults with vim.g.nianbao on top.
function M.options()
  local user = vim.g.nianbao
  if type(user) ~= 'table' then
    user = {}
  end
  return vim.tbl_extend('force', M.defaults, user)
end

-- ---------------------------------------------------------------- status

--- The last `nianbao/status` per buffer: { isReport, reports, errors, warnings, information,
--- hints, tables = { { name, range } } }.
M._status = {}

local function status_handler(_, result, ctx)
  if type(result) ~= 'table' or type(result.uri) ~= 'string' then
    return
  end
  -- The buffer the document belongs to, without making one for an unknown URI.
  local bufnr
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.uri_from_bufnr(b) == result.uri then
      bufnr = b
      break
    end
  end
  if not bufnr then
    return
  end
  M._status[bufnr] = result
  if result.isReport then
    M._report_defaults(bufnr, ctx and ctx.client_id)
  end
  vim.cmd('redrawstatus!')
end

local function plural_counts(errors, warnings, information)
  local parts = {}
  if errors > 0 then
    table.insert(parts, errors .. ' 个错误')
  end
  if warnings > 0 then
    table.insert(parts, warnings .. ' 个警告')
  end
  if information > 0 then
    table.insert(parts, information .. ' 个提示')
  end
  return table.concat(parts, '，')
end

--- What the status line shows for a buffer: the table under the cursor and its problems
--- (`表三：2 个错误`), else the whole report's; '' for buffers that are not reports.
function M.statusline(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local st = M._status[bufnr]
  if not st or not st.isReport then
    return ''
  end
  local client = M.get_client(bufnr)
  if not client then
    return '年报：nianbao 服务已停止'
  end
  local name = st.reports > 1 and ('年报 ×' .. st.reports) or '年报'
  local total = plural_counts(st.errors or 0, st.warnings or 0, st.information or 0)
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  if vim.api.nvim_get_current_buf() == bufnr then
    for _, t in ipairs(st.tables or {}) do
      local s, e = t.range.start.line, t.range['end'].line
      if line >= s and line <= e then
        local c = { 0, 0, 0 }
        local ns = vim.lsp.diagnostic.get_namespace(client.id)
        for _, d in ipairs(vim.diagnostic.get(bufnr, { namespace = ns })) do
          if d.lnum >= s and d.lnum <= e and d.severity <= 3 then
            c[d.severity] = c[d.severity] + 1
          end
        end
        local here = plural_counts(c[1], c[2], c[3])
        if here == '' then
          here = '无问题'
        end
        if total ~= '' and here ~= total then
          return t.name .. '：' .. here .. '（全文 ' .. total .. '）'
        end
        return t.name .. '：' .. here
      end
    end
  end
  return name .. '：' .. (total == '' and '无问题' or total)
end

-- ---------------------------------------------------------------- client

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

local function client_request(client, method, params, handler, bufnr)
  if has_011 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function client_notify(client, method, params)
  if has_011 then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

--- The server command as configured (0.11: vim.lsp.config; else setup{}).
function M.cmd()
  if has_011 and vim.lsp.config and vim.lsp.config.nianbao and type(vim.lsp.config.nianbao.cmd) == 'table' then
    return vim.lsp.config.nianbao.cmd
  end
  return (M.config and M.config.cmd) or { 'nianbao', 'lsp' }
end

local warned_missing = false
--- Says once, in Chinese, that the server program is missing; returns whether it is there.
local function check_executable(cmd)
  if type(cmd) ~= 'table' or vim.fn.executable(cmd[1]) == 1 then
    return true
  end
  if not warned_missing then
    warned_missing = true
    local how = has_011 and "vim.lsp.config('nianbao', { cmd = { '/完整/路径/nianbao', 'lsp' } })"
      or "require('nianbao').setup{ cmd = { '/完整/路径/nianbao', 'lsp' } }"
    vim.schedule(function()
      notify(
        '找不到程序「' .. cmd[1] .. '」，年度报告不会被检查。请安装 nianbao（在其源码目录运行 cargo install --path .）'
          .. '并确保它在 PATH 中，或用 ' .. how .. ' 写明完整路径。:checkhealth nianbao 可检查安装。',
        vim.log.levels.ERROR
      )
    end)
  end
  return false
end

--- Whether a buffer may be a report: a named file buffer that is empty (a draft to be
--- written), is named like one, or mentions 政府信息公开 in its first 400 lines.
function M.looks_like_report(bufnr)
  if vim.bo[bufnr].buftype ~= '' then
    return false -- hover windows and other scratch buffers are markdown too
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return false -- unnamed: attached once it gets a name (see BufFilePost)
  end
  if not M.options().only_reports then
    return true
  end
  local base = vim.fn.fnamemodify(name, ':t')
  if base:find('年报', 1, true) or base:find('年度报告', 1, true) or base:find('政府信息公开', 1, true) then
    return true
  end
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, 400, false)
  if #lines == 0 or (#lines == 1 and lines[1] == '') then
    return true
  end
  for _, l in ipairs(lines) do
    if l:find('政府信息公开', 1, true) then
      return true
    end
  end
  return false
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

--- root_dir for Neovim 0.11 (lsp/nianbao.lua): attaches only to buffers that may be reports,
--- and says so when the server program is missing.
function M.root_dir(bufnr, on_dir)
  if not M.looks_like_report(bufnr) then
    return
  end
  if not check_executable(M.cmd()) then
    return
  end
  local markers = (has_011 and vim.lsp.config.nianbao and vim.lsp.config.nianbao.root_markers) or { '.git' }
  on_dir(find_root(bufnr, markers))
end

--- Default client configuration; lsp/nianbao.lua returns it for Neovim 0.11+.
function M.default_config()
  return {
    name = 'nianbao',
    cmd = { 'nianbao', 'lsp' },
    filetypes = { 'markdown', 'text' },
    root_markers = { '.git' },
    root_dir = function(bufnr, on_dir)
      M.root_dir(bufnr, on_dir)
    end,
    -- Changes go out at once: the server waits for a pause in typing (diagnosticsDelayMs)
    -- and checks once; a client-side delay would only add to it.
    flags = { debounce_text_changes = 0 },
    capabilities = { experimental = { nianbaoStatus = true } },
    handlers = { [STATUS_METHOD] = status_handler },
    settings = {
      nianbao = {
        disabledCodes = {},
        severity = {},
        diagnosticsDelayMs = 175,
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

-- ---------------------------------------------------------------- report buffers

local configured_ns = {}

--- Sets a window-local option of window `win` (the `win` key of nvim_set_option_value is
--- not there before Neovim 0.10; nvim_win_set_option, deprecated since, sets the local value).
local function set_win_option(win, name, value)
  if has_010 then
    vim.api.nvim_set_option_value(name, value, { scope = 'local', win = win })
  else
    vim.api.nvim_win_set_option(win, name, value)
  end
end

--- Window-local settings of a report buffer in window `win`.
local function window_defaults(win, opts)
  if opts.folding and has_011 then
    set_win_option(win, 'foldmethod', 'expr')
    set_win_option(win, 'foldexpr', 'v:lua.vim.lsp.foldexpr()')
    set_win_option(win, 'foldlevel', 99) -- open at first; zc / zM close
  end
  if opts.statusline and vim.o.statusline == '' then
    set_win_option(win, 'statusline', "%<%f %h%m%r%=%{v:lua.require'nianbao'.statusline()}    %-14.(%l,%c%V%) %P")
  end
end

--- Applied once per buffer, when the server first says it is a report.
function M._report_defaults(bufnr, client_id)
  if vim.b[bufnr].nianbao_defaults then
    return
  end
  vim.b[bufnr].nianbao_defaults = true
  local opts = M.options()
  local client = client_id and vim.lsp.get_client_by_id(client_id) or M.get_client(bufnr)
  if opts.virtual_text and client and not configured_ns[client.id] then
    configured_ns[client.id] = true
    local ns = vim.lsp.diagnostic.get_namespace(client.id)
    vim.diagnostic.config({ virtual_text = { spacing = 2, prefix = '●' } }, ns)
  end
  if opts.inlay_hints and has_010 and vim.lsp.inlay_hint then
    vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
  end
  if opts.outline then
    vim.keymap.set('n', 'gO', function()
      M.outline(bufnr)
    end, { buffer = bufnr, desc = 'nianbao：报告大纲（部分与表格）' })
  end
  for _, win in ipairs(vim.fn.win_findbuf(bufnr)) do
    window_defaults(win, opts)
  end
  vim.api.nvim_create_autocmd('BufWinEnter', {
    group = vim.api.nvim_create_augroup('nianbao.buffer.' .. bufnr, { clear = true }),
    buffer = bufnr,
    callback = function()
      window_defaults(vim.api.nvim_get_current_win(), M.options())
    end,
  })
end

--- Shows the report's outline (sections, their tables; each report of a compilation) in the
--- location list, as `gO` does in help files.
function M.outline(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.get_client(bufnr)
  if not client then
    notify('当前缓冲区没有连接 nianbao 服务', vim.log.levels.WARN)
    return
  end
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
  local response = request_sync(client, 'textDocument/documentSymbol', params, 5000, bufnr)
  local symbols = response and response.result
  if type(symbols) ~= 'table' or #symbols == 0 then
    notify('没有找到报告的部分和表格')
    return
  end
  local items = {}
  local function walk(list, depth)
    for _, s in ipairs(list) do
      local r = s.selectionRange or s.range
      -- Indented with ideographic spaces: the list drops leading ASCII blanks.
      local text = string.rep('　', depth) .. s.name
      if s.detail and s.detail ~= '' then
        text = text .. '  · ' .. s.detail
      end
      table.insert(items, { bufnr = bufnr, lnum = r.start.line + 1, col = 1, text = text })
      walk(s.children or {}, depth + 1)
    end
  end
  walk(symbols, 0)
  local win = vim.api.nvim_get_current_win()
  vim.fn.setloclist(win, {}, ' ', { title = 'nianbao 大纲', items = items })
  vim.cmd('lopen')
  -- As `gO` in help files: the file name and line numbers are hidden (ftplugin/qf, syntax/qf).
  vim.w.qf_toc = vim.api.nvim_buf_get_name(bufnr)
  vim.bo.filetype = 'qf'
end

-- ---------------------------------------------------------------- attaching

local legacy_clients = {} -- root_dir -> client id (Neovim 0.7 only)

local function attach_legacy(bufnr, config)
  if not M.looks_like_report(bufnr) or not check_executable(config.cmd) then
    return
  end
  local root = find_root(bufnr, config.root_markers)
  local capabilities = vim.tbl_deep_extend(
    'force',
    vim.lsp.protocol.make_client_capabilities(),
    config.capabilities or {}
  )
  local client_config = {
    name = 'nianbao',
    cmd = config.cmd,
    root_dir = root,
    settings = config.settings,
    init_options = config.init_options,
    on_attach = function(client, b)
      vim.b[b].nianbao_uri = vim.uri_from_bufnr(b) -- LspAttach comes with Neovim 0.8
      if config.on_attach then
        config.on_attach(client, b)
      end
    end,
    capabilities = capabilities,
    handlers = config.handlers,
    flags = config.flags,
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

local function filetypes()
  if has_011 and M.config == nil and vim.lsp.config and vim.lsp.config.nianbao then
    return vim.lsp.config.nianbao.filetypes or M.default_config().filetypes
  end
  return (M.config and M.config.filetypes) or M.default_config().filetypes
end

local function enabled()
  if M.config then
    return true
  end
  return has_011 and vim.lsp.is_enabled ~= nil and vim.lsp.is_enabled('nianbao')
end

--- Starts or attaches the server for a buffer that is not attached yet (0.11: as
--- vim.lsp.enable does; before: as setup{} does).
function M.attach(bufnr)
  if M.get_client(bufnr) or not enabled() or not vim.tbl_contains(filetypes(), vim.bo[bufnr].filetype) then
    return
  end
  if M.config then
    attach_legacy(bufnr, M.config)
    return
  end
  M.root_dir(bufnr, function(root)
    local config = vim.deepcopy(vim.lsp.config.nianbao)
    config.root_dir = root
    vim.lsp.start(config, { bufnr = bufnr })
  end)
end

--- After a buffer got another name (`:w name` of an unnamed buffer, `:saveas`, `:file`): the
--- server is told to forget the old document and open the new one; an unattached buffer is
--- attached now if it may be a report.
local function renamed(bufnr)
  local client = M.get_client(bufnr)
  if not client then
    M.attach(bufnr)
    return
  end
  local old, new = vim.b[bufnr].nianbao_uri, vim.uri_from_bufnr(bufnr)
  if old == nil or old == new then
    return
  end
  if old ~= 'file://' then
    client_notify(client, 'textDocument/didClose', { textDocument = { uri = old } })
  end
  M._status[bufnr] = nil
  vim.lsp.buf_detach_client(bufnr, client.id)
  vim.lsp.buf_attach_client(bufnr, client.id)
  vim.b[bufnr].nianbao_uri = new
end

local autocmds_made = false
--- The plugin's global autocommands (made once, by plugin/nianbao.lua).
function M._autocmds()
  if autocmds_made then
    return
  end
  autocmds_made = true
  local group = vim.api.nvim_create_augroup('nianbao', { clear = true })
  if vim.fn.has('nvim-0.8') == 1 then
    vim.api.nvim_create_autocmd('LspAttach', {
      group = group,
      callback = function(args)
        local client = vim.lsp.get_client_by_id(args.data and args.data.client_id or -1)
        if client and client.name == 'nianbao' then
          vim.b[args.buf].nianbao_uri = vim.uri_from_bufnr(args.buf)
        end
      end,
    })
  end
  vim.api.nvim_create_autocmd('BufFilePost', {
    group = group,
    callback = function(args)
      -- After the file type is known again (a new name may bring it).
      vim.schedule(function()
        if vim.api.nvim_buf_is_valid(args.buf) then
          renamed(args.buf)
        end
      end)
    end,
  })
  -- A buffer that did not look like a report may become one (a report pasted into it).
  vim.api.nvim_create_autocmd({ 'BufWritePost', 'InsertLeave', 'TextChanged' }, {
    group = group,
    callback = function(args)
      if not M.get_client(args.buf) and vim.tbl_contains(filetypes(), vim.bo[args.buf].filetype) then
        M.attach(args.buf)
      end
    end,
  })
  -- Neovim 0.11 skips a configuration whose program is missing without a word (in its log):
  -- say it where a report is opened.
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    callback = function(args)
      if enabled() and vim.tbl_contains(filetypes(), vim.bo[args.buf].filetype) and M.looks_like_report(args.buf) then
        check_executable(M.cmd())
      end
    end,
  })
  vim.api.nvim_create_autocmd('BufWipeout', {
    group = group,
    callback = function(args)
      M._status[args.buf] = nil
    end,
  })
  if M.options().fileencodings then
    -- GB18030 (and GBK, its subset) files are read as such rather than as Latin-1 mojibake;
    -- the file is written back in the encoding it was read in.
    local saved
    vim.api.nvim_create_autocmd('BufReadPre', {
      group = group,
      pattern = { '*.md', '*.markdown', '*.txt' },
      callback = function()
        local fencs = vim.o.fileencodings
        if fencs:find('gb18030', 1, true) or fencs:find('cp936', 1, true) or fencs:find('gbk', 1, true) then
          return
        end
        saved = fencs
        local list = vim.split(fencs, ',', { plain = true })
        local at = #list + 1
        for i, e in ipairs(list) do
          if e == 'default' or e == 'latin1' then
            at = i
            break
          end
        end
        table.insert(list, at, 'gb18030')
        vim.o.fileencodings = table.concat(list, ',')
      end,
    })
    vim.api.nvim_create_autocmd('BufReadPost', {
      group = group,
      pattern = { '*.md', '*.markdown', '*.txt' },
      callback = function()
        if saved then
          vim.o.fileencodings = saved
          saved = nil
        end
      end,
    })
  end
end

-- ---------------------------------------------------------------- commands

local FIXED_NAMES = {
  ['total-mismatch'] = '总计',
  ['row-label'] = '标签',
  ['section-title'] = '部分标题',
}

--- Requests the `source.fixAll.nianbao` code action for the whole buffer and applies it, then
--- says what it fixed (or why there was nothing to fix). Returns true when an edit was applied.
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
      local counts, order = {}, {}
      for _, d in ipairs(action.diagnostics or {}) do
        local what = FIXED_NAMES[d.code] or tostring(d.code)
        if not counts[what] then
          counts[what] = 0
          table.insert(order, what)
        end
        counts[what] = counts[what] + 1
      end
      local parts = {}
      for _, what in ipairs(order) do
        table.insert(parts, what .. ' ' .. counts[what] .. ' 处')
      end
      if #parts > 0 then
        notify('已修复 ' .. #(action.diagnostics or {}) .. ' 个问题：' .. table.concat(parts, '，') .. '（尚未保存）')
      else
        notify('已修复可自动计算的总计、标签和标题（尚未保存）')
      end
      return true
    end
  end
  local st = M._status[bufnr]
  if st and not st.isReport then
    notify('当前文件不是年度报告（没有“……政府信息公开工作年度报告”标题，标准部分标题也少于三个），nianbao 不检查它')
  elseif st and (st.errors or 0) + (st.warnings or 0) > 0 then
    notify(
      '没有可以自动修复的问题；其余 ' .. plural_counts(st.errors, st.warnings, 0) .. '需要手工修改（]d 跳到下一个问题）'
    )
  else
    notify('没有可以自动修复的问题：总计、标签和标题都已正确')
  end
  return false
end

local function last_year()
  return tostring(tonumber(os.date('%Y')) - 1)
end

--- Splits `:NianbaoNew` arguments: a four-digit year, a file name ending in .md, .markdown or
--- .txt, and the organisation (all other words, spaces kept between them).
function M.parse_new_args(args)
  local org, year, file = {}, nil, nil
  for _, a in ipairs(args or {}) do
    if not year and a:match('^%d%d%d%d$') then
      year = a
    elseif a:match('%.md$') or a:match('%.markdown$') or a:match('%.txt$') then
      file = a
    else
      table.insert(org, a)
    end
  end
  return table.concat(org, ' '), year, file
end

--- The file name `nianbao new` drafts are saved under: <机关><年度>年政府信息公开工作年度报告.md.
function M.default_file_name(org, year)
  local safe = org:gsub('[/\\:%*%?"<>|]', '-')
  return safe .. year .. '年政府信息公开工作年度报告.md'
end

--- Writes `text` to `path` atomically and only if no file is there (a temporary file in the same
--- folder, then a hard link to the name, which fails if it exists). Returns nil or a message.
local function write_new_file(path, text)
  local dir = vim.fn.fnamemodify(path, ':h')
  if vim.fn.isdirectory(dir) == 0 then
    return '文件夹不存在：' .. dir
  end
  local tmp = dir .. '/.nianbao-new-' .. uv.getpid() .. '-' .. uv.hrtime() .. '.tmp'
  local fd, err = uv.fs_open(tmp, 'wx', 420)
  if not fd then
    return '无法写入 ' .. dir .. '：' .. tostring(err)
  end
  local ok, werr = uv.fs_write(fd, text, 0)
  uv.fs_fsync(fd)
  uv.fs_close(fd)
  if not ok then
    uv.fs_unlink(tmp)
    return '写入失败：' .. tostring(werr)
  end
  local linked, lerr = uv.fs_link(tmp, path)
  uv.fs_unlink(tmp)
  if not linked then
    if tostring(lerr):find('EEXIST', 1, true) then
      return 'exists'
    end
    return '无法创建 ' .. path .. '：' .. tostring(lerr)
  end
  return nil
end

local function create_report(org, year, path)
  local exe = M.cmd()[1]
  if vim.fn.executable(exe) ~= 1 then
    warned_missing = false
    check_executable(M.cmd())
    return
  end
  local out = vim.fn.system({ exe, 'new', '--org', org, '--year', year })
  if vim.v.shell_error ~= 0 then
    notify('生成报告草稿失败：' .. vim.trim(out), vim.log.levels.ERROR)
    return
  end
  local err = write_new_file(path, out)
  if err == 'exists' then
    local suggestion = vim.fn.fnamemodify(path, ':r') .. '（新）.' .. vim.fn.fnamemodify(path, ':e')
    vim.ui.input({ prompt = '文件已存在，nianbao 不会覆盖它。另存为：', default = suggestion }, function(name)
      if name == nil or vim.trim(name) == '' then
        notify('已取消：' .. path .. ' 已存在，未创建新草稿')
        return
      end
      create_report(org, year, vim.fn.fnamemodify(vim.trim(name), ':p'))
    end)
    return
  elseif err then
    notify(err, vim.log.levels.ERROR)
    return
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  notify('已创建 ' .. vim.fn.fnamemodify(path, ':~:.') .. '：按文中（填写……）的提示填写，再用 :NianbaoFixAll 填入总计')
end

--- `:NianbaoNew [{机关名称}] [{年度}] [{文件名}]`: writes the standard draft (`nianbao new`) to a
--- new file — by default <机关><年度>年政府信息公开工作年度报告.md in the current folder — and opens
--- it. Asks for what is not given; never overwrites a file.
function M.new_report(org, year, file)
  local function with_year(o, y)
    if not y:match('^%d%d%d%d$') then
      notify('年度应为四位数字，例如 ' .. last_year(), vim.log.levels.ERROR)
      return
    end
    local name = file or M.default_file_name(o, y)
    create_report(o, y, vim.fn.fnamemodify(name, ':p'))
  end
  local function with_org(o)
    o = vim.trim(o or '')
    if o == '' then
      notify('请写明机关名称，例如 :NianbaoNew 某某县财政局 ' .. last_year(), vim.log.levels.WARN)
      return
    end
    if year then
      with_year(o, year)
    else
      vim.ui.input({ prompt = '年度：', default = last_year() }, function(y)
        if y then
          with_year(o, vim.trim(y))
        end
      end)
    end
  end
  if org and vim.trim(org) ~= '' then
    with_org(org)
  else
    vim.ui.input({ prompt = '机关名称：' }, function(o)
      if o then
        with_org(o)
      end
    end)
  end
end

--- Runs a program to its end; returns its exit code, standard output and standard error, kept
--- apart (system() would mix them). Works in Neovim 0.7 (jobstart) as in 0.11.
local function run(cmd)
  local out, err = {}, {}
  local ok, job = pcall(vim.fn.jobstart, cmd, {
    stdout_buffered = true,
    stderr_buffered = true,
    on_stdout = function(_, data)
      out = data or {}
    end,
    on_stderr = function(_, data)
      err = data or {}
    end,
  })
  if not ok or job <= 0 then
    return -1, '', '无法运行 ' .. tostring(cmd[1])
  end
  local code = vim.fn.jobwait({ job }, 120000)[1]
  if code == -1 then
    vim.fn.jobstop(job)
    return -1, '', tostring(cmd[1]) .. ' 运行超时'
  end
  -- The buffered callbacks run before jobwait returns; the lists end with the last line's rest.
  return code, table.concat(out, '\n'), table.concat(err, '\n')
end

--- The program of M.cmd(), or nil after saying (in Chinese) that it is missing.
local function executable()
  local exe = M.cmd()[1]
  if vim.fn.executable(exe) ~= 1 then
    warned_missing = false
    check_executable(M.cmd())
    return nil
  end
  return exe
end

local function tool_message(text)
  return (vim.trim(text or ''):gsub('^错误：', ''))
end

--- `:NianbaoExport [{输出.docx}]`: exports the file of buffer `bufnr` to a Word document with
--- `nianbao export` — by default the .docx of the same name beside it, never overwritten.
--- A modified or unnamed buffer is not exported (the file on disk is what is exported).
--- Returns the path written, or nil.
function M.export(bufnr, output)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or vim.bo[bufnr].buftype ~= '' then
    notify('当前缓冲区还没有保存为文件：请先用 :w 文件名.md 保存，再导出', vim.log.levels.WARN)
    return nil
  end
  if vim.bo[bufnr].modified then
    notify('当前缓冲区有未保存的修改：导出的是磁盘上的文件，请先用 :w 保存，再导出', vim.log.levels.WARN)
    return nil
  end
  local exe = executable()
  if not exe then
    return nil
  end
  local file = vim.fn.fnamemodify(name, ':p')
  local target = vim.fn.fnamemodify(file, ':r') .. '.docx'
  local cmd = { exe, 'export', file }
  if output and vim.trim(output) ~= '' then
    target = vim.fn.fnamemodify(vim.trim(output), ':p')
    table.insert(cmd, '-o')
    table.insert(cmd, target)
  end
  local code, _, err = run(cmd)
  if code ~= 0 then
    local msg = tool_message(err)
    if msg:find('已存在', 1, true) then
      msg = msg:gsub('：请用 %-o 指定输出文件', '') .. '：请用 :NianbaoExport 另一个文件名.docx'
    end
    notify('导出失败：' .. (msg ~= '' and msg or ('退出码 ' .. code)), vim.log.levels.ERROR)
    return nil
  end
  notify('已导出：' .. vim.fn.fnamemodify(target, ':~:.'))
  return target
end

--- The file name of a draft: its title line without `# `, + `.md`.
function M.title_file_name(draft)
  local title = vim.trim((draft:match('^[^\n]*') or ''):gsub('^#+%s*', ''))
  if title == '' then
    return nil
  end
  return (title:gsub('[/\\:%*%?"<>|]', '-')) .. '.md'
end

local function write_from(text, path)
  local err = write_new_file(path, text)
  if err == 'exists' then
    local suggestion = vim.fn.fnamemodify(path, ':r') .. '（新）.' .. vim.fn.fnamemodify(path, ':e')
    vim.ui.input({ prompt = '文件已存在，nianbao 不会覆盖它。另存为：', default = suggestion }, function(name)
      if name == nil or vim.trim(name) == '' then
        notify('已取消：' .. path .. ' 已存在，未创建新草稿')
        return
      end
      write_from(text, vim.fn.fnamemodify(vim.trim(name), ':p'))
    end)
    return
  elseif err then
    notify(err, vim.log.levels.ERROR)
    return
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  notify(
    '已创建 ' .. vim.fn.fnamemodify(path, ':~:.') .. '：上年数字已结转，沿用的正文标有待修改的提示，'
      .. '按提示修改并填写本年数字，再用 :NianbaoFixAll 填入总计'
  )
end

--- `:NianbaoNewFrom {上一年度报告} [{年度}]`: a draft for the next year from last year's report
--- (`nianbao new --from`: figures carried over, text kept and marked), written to a new file
--- named after its title in the current folder, and opened. Never overwrites a file.
function M.new_from(source, year)
  source = vim.trim(source or '')
  if source == '' then
    notify('请写明上一年度报告，例如 :NianbaoNewFrom 2025年报.docx', vim.log.levels.WARN)
    return
  end
  if year and not year:match('^%d%d%d%d$') then
    notify('年度应为四位数字，例如 ' .. os.date('%Y'), vim.log.levels.ERROR)
    return
  end
  local path = vim.fn.fnamemodify(vim.fn.expand(source), ':p')
  if vim.fn.filereadable(path) ~= 1 then
    notify('找不到文件：' .. source, vim.log.levels.ERROR)
    return
  end
  local exe = executable()
  if not exe then
    return
  end
  local cmd = { exe, 'new', '--from', path }
  if year then
    table.insert(cmd, '--year')
    table.insert(cmd, year)
  end
  local code, out, err = run(cmd)
  if code ~= 0 then
    notify('生成报告草稿失败：' .. tool_message(err), vim.log.levels.ERROR)
    return
  end
  local name = M.title_file_name(out)
  if not name then
    notify('生成的草稿没有标题行，未创建文件', vim.log.levels.ERROR)
    return
  end
  write_from(out, vim.fn.fnamemodify(name, ':p'))
end

-- ---------------------------------------------------------------- setup (0.7–0.10)

--- Starts nianbao for markdown and text buffers.
--- opts: any client config field (cmd, filetypes, settings, on_attach, capabilities, root_markers).
function M.setup(opts)
  opts = opts or {}
  M._autocmds()
  if has_011 then
    if next(opts) ~= nil then
      vim.lsp.config('nianbao', opts)
    end
    vim.lsp.enable('nianbao')
    return
  end
  local config = vim.tbl_deep_extend('force', M.default_config(), opts)
  M.config = config
  local group = vim.api.nvim_create_augroup('nianbao.setup', { clear = true })
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
