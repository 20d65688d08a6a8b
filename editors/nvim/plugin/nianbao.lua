-- Commands of the nianbao plugin (Neovim 0.7+). The language server itself is
-- enabled by vim.lsp.enable('nianbao') (0.11+) or require('nianbao').setup{}.
if vim.g.loaded_nianbao then
  return
end
vim.g.loaded_nianbao = 1

vim.api.nvim_create_user_command('NianbaoFixAll', function()
  require('nianbao').fix_all(0)
end, { desc = 'nianbao: 填入全部总计 (fill in every computable total)' })

vim.api.nvim_create_user_command('NianbaoNew', function(opts)
  require('nianbao').new_report(opts.fargs[1], opts.fargs[2])
end, { nargs = '+', desc = 'nianbao: 新建年度报告 {机关名称} [年度]' })
