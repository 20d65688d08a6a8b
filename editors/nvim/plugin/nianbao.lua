-- Commands and autocommands of the nianbao plugin (Neovim 0.7+). The language server itself is
-- enabled by vim.lsp.enable('nianbao') (0.11+) or require('nianbao').setup{}.
if vim.g.loaded_nianbao then
  return
end
vim.g.loaded_nianbao = 1

local nianbao = require('nianbao')
-- Re-attaching renamed buffers, attaching buffers that become reports, reading GB18030 files.
nianbao._autocmds()

vim.api.nvim_create_user_command('NianbaoFixAll', function()
  nianbao.fix_all(0)
end, { desc = 'nianbao：修复全部可自动计算的问题（总计、标签和部分标题）' })

vim.api.nvim_create_user_command('NianbaoNew', function(opts)
  local org, year, file = nianbao.parse_new_args(opts.fargs)
  nianbao.new_report(org, year, file)
end, { nargs = '*', desc = 'nianbao：新建年度报告 [机关名称] [年度] [文件名.md]' })

vim.api.nvim_create_user_command('NianbaoOutline', function()
  nianbao.outline(0)
end, { desc = 'nianbao：报告大纲（部分与表格）' })

vim.api.nvim_create_user_command('NianbaoExport', function(opts)
  nianbao.export(0, opts.args)
end, { nargs = '?', complete = 'file', desc = 'nianbao：把当前报告导出为 Word 文档 [输出.docx]' })

vim.api.nvim_create_user_command('NianbaoNewFrom', function(opts)
  local args, year = vim.deepcopy(opts.fargs), nil
  if #args > 1 and args[#args]:match('^%d%d%d%d$') then
    year = table.remove(args)
  end
  nianbao.new_from(table.concat(args, ' '), year)
end, { nargs = '+', complete = 'file', desc = 'nianbao：以上一年度报告为底稿新建 {上一年度报告} [年度]' })
