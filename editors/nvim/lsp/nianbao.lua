-- Configuration of the nianbao language server for Neovim 0.11+.
--
--   vim.lsp.enable('nianbao')
--
-- Override any field with vim.lsp.config('nianbao', { ... }), e.g.
--   vim.lsp.config('nianbao', {
--     cmd = { '/path/to/nianbao', 'lsp' },
--     settings = { nianbao = { disabledCodes = { 'cell-blank' } } },
--   })
return {
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
    require('nianbao').before_init(params, config)
  end,
}
