-- :checkhealth nianbao
local M = {}

local health = vim.health or require('health')
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local error = health.error or health.report_error

function M.check()
  start('nianbao')
  local cmd = { 'nianbao' }
  if vim.fn.has('nvim-0.11') == 1 and vim.lsp.config and vim.lsp.config.nianbao then
    cmd = vim.lsp.config.nianbao.cmd or cmd
  elseif require('nianbao').config then
    cmd = require('nianbao').config.cmd
  end
  local exe = type(cmd) == 'table' and cmd[1] or nil
  if not exe then
    ok('cmd is a function; not checked')
  elseif vim.fn.executable(exe) == 1 then
    ok('server: ' .. vim.fn.exepath(exe))
  else
    error('找不到 nianbao 程序「' .. exe .. '」/ nianbao executable not found', {
      'cargo install --path . （在 nianbao 源码目录）',
      "vim.lsp.config('nianbao', { cmd = { '/完整/路径/nianbao', 'lsp' } })",
    })
  end
  if vim.fn.has('nvim-0.11') == 1 then
    if vim.lsp.is_enabled and not vim.lsp.is_enabled('nianbao') then
      warn("vim.lsp.enable('nianbao') has not been called")
    end
  elseif not require('nianbao').config then
    warn("require('nianbao').setup{} has not been called")
  end
end

return M
