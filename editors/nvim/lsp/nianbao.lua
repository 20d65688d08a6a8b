-- Configuration of the nianbao language server for Neovim 0.11+.
--
--   vim.lsp.enable('nianbao')
--
-- The defaults (cmd { 'nianbao', 'lsp' }, filetypes markdown and text, root .git, the
-- `nianbao` settings) are in require('nianbao').default_config(). Override any field
-- with vim.lsp.config('nianbao', { ... }), e.g.
--   vim.lsp.config('nianbao', {
--     cmd = { '/path/to/nianbao', 'lsp' },
--     settings = { nianbao = { disabledCodes = { 'cell-blank' } } },
--   })
local config = require('nianbao').default_config()
config.name = nil -- vim.lsp.config names the client after this file
return config
