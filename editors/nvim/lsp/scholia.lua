-- Default configuration of the scholia language server for Neovim 0.11+'s
-- vim.lsp.config: lets `vim.lsp.enable("scholia")` work without setup().
-- require("scholia").setup{} overrides these fields with its own options.
return {
  cmd = { "scholia", "lsp" },
  filetypes = { "scholia" },
  root_markers = { "scholia.toml" },
}
