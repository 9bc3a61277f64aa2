-- scholia: filetype, tree-sitter parser registration, highlighting and the
-- :ScholiaBuildParser command, without any setup() call. The language
-- server is started by require("scholia").setup{} (or, on Neovim 0.11+,
-- by vim.lsp.enable("scholia") with the config in lsp/scholia.lua).
if vim.g.loaded_scholia then
  return
end
vim.g.loaded_scholia = true

if vim.fn.has("nvim-0.10") == 0 then
  vim.notify_once("scholia: Neovim 0.10 or newer is required", vim.log.levels.WARN)
  return
end

require("scholia").bootstrap()
