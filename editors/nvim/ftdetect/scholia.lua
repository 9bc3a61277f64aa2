-- Filetype detection: *.scholia documents. Also done by plugin/scholia.lua
-- and setup(); kept here too because lazy.nvim sources the ftdetect/ of a
-- plugin that it loads on `ft = "scholia"` before the plugin itself.
vim.filetype.add({ extension = { scholia = "scholia" } })
