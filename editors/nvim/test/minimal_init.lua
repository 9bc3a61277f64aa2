-- The only configuration of the test Neovim (run with --clean): this plugin
-- on 'runtimepath', nothing else. setup() is called by the spec itself.
local test_dir = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
local plugin_dir = vim.fn.fnamemodify(test_dir, ":h")
vim.opt.runtimepath:prepend(plugin_dir)
vim.o.swapfile = false
vim.o.more = false
vim.o.shortmess = vim.o.shortmess .. "IF"
vim.lsp.set_log_level(vim.env.SCHOLIA_LSP_LOG_LEVEL or "warn")
