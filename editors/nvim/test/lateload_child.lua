-- Run by spec.lua in a second Neovim as its init file, with a seed document
-- as the file argument: the plugin is put on 'runtimepath' and set up only
-- when the first scholia buffer gets its filetype, before VimEnter — as
-- lazy.nvim does with `ft = "scholia"` for `nvim doc.scholia`, and as the
-- README's "subfolder on 'runtimepath'" recipe does. plugin/scholia.lua is
-- never sourced. Prints one "STATUS<TAB>name<TAB>detail" line per check.

local uv = vim.uv or vim.loop
local BIN = assert(vim.env.SCHOLIA_BIN)
local SEEDS = assert(vim.env.SCHOLIA_SEEDS)
local PLUGIN_DIR = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h:h")

local function report(status, name, detail)
  io.stdout:write(("%s\t%s\t%s\n"):format(status, name, (detail or ""):gsub("[\t\n]", " ")))
  io.stdout:flush()
end

local function check(name, fn)
  local ok, res = pcall(fn)
  if ok and res == true then
    report("OK", name)
  else
    report("FAIL", name, ok and vim.inspect(res, { newline = " ", indent = "" }) or tostring(res))
  end
end

local loaded_at -- v:vim_did_enter when the plugin was loaded

vim.filetype.add({ extension = { scholia = "scholia" } })
vim.api.nvim_create_autocmd("FileType", {
  pattern = "scholia",
  once = true,
  callback = function()
    loaded_at = vim.v.vim_did_enter
    vim.opt.runtimepath:append(PLUGIN_DIR)
    require("scholia").setup({ cmd = { BIN, "lsp" } })
  end,
})

vim.api.nvim_create_autocmd("VimEnter", {
  once = true,
  callback = function()
    vim.schedule(function()
      local buf = vim.api.nvim_get_current_buf()
      check("setup() ran from FileType before VimEnter", function()
        return loaded_at == 0 or { vim_did_enter = loaded_at }
      end)
      check("the open buffer gets a client, root seeds/", function()
        vim.wait(15000, function()
          return vim.lsp.get_clients({ bufnr = buf, name = "scholia" })[1] ~= nil
        end, 50)
        local client = vim.lsp.get_clients({ bufnr = buf, name = "scholia" })[1]
        return client ~= nil and uv.fs_realpath(client.root_dir) == uv.fs_realpath(SEEDS)
          or { client = client and client.root_dir, buf = vim.api.nvim_buf_get_name(buf) }
      end)
      check("the open buffer gets tree-sitter highlighting", function()
        return vim.treesitter.highlighter.active[buf] ~= nil or "not active"
      end)
      check("setup() defines :ScholiaBuildParser without plugin/scholia.lua", function()
        return (vim.g.loaded_scholia == nil and vim.fn.exists(":ScholiaBuildParser") == 2)
          or { loaded_scholia = vim.g.loaded_scholia, command = vim.fn.exists(":ScholiaBuildParser") }
      end)
      for _, c in ipairs(vim.lsp.get_clients()) do
        c:stop()
      end
      vim.wait(3000, function()
        return #vim.lsp.get_clients() == 0
      end, 50)
      os.exit(0)
    end)
  end,
})
