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
    -- Offer only UTF-16 (LSP's default) this time; spec.lua's client gets
    -- whatever the server prefers among utf-8, utf-16 and utf-32.
    require("scholia").setup({
      cmd = { BIN, "lsp" },
      capabilities = { general = { positionEncodings = { "utf-16" } } },
    })
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
      local function unclosed_at(row, col)
        for _, d in ipairs(vim.diagnostic.get(buf)) do
          if d.code == "unclosed-bracket" and d.lnum == row and d.col == col and d.end_col == col + 1 then
            return true
          end
        end
        return false
      end
      local function find(needle)
        for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
          local s = line:find(needle, 1, true)
          if s then
            return i - 1, s - 1
          end
        end
      end
      check("UTF-16 offered alone: the client uses utf-16", function()
        local client = vim.lsp.get_clients({ bufnr = buf, name = "scholia" })[1]
        return client ~= nil and client.offset_encoding == "utf-16" or (client and client.offset_encoding)
      end)
      check("utf-16: unclosed-bracket on exactly the `[` of `[because the `", function()
        local row, col = find("[because the ")
        vim.wait(15000, function()
          return row ~= nil and unclosed_at(row, col)
        end, 50)
        return row ~= nil and unclosed_at(row, col) or { row = row, col = col, diagnostics = vim.diagnostic.get(buf) }
      end)
      check("utf-16: after CJK, emoji and é, a new unclosed `[` is exact", function()
        local last = vim.api.nvim_buf_line_count(buf)
        vim.api.nvim_buf_set_lines(buf, last, last, false, { "", "周恩来 said 🙂 é [unclosed insertion" })
        local row, col = find("[unclosed insertion")
        vim.wait(15000, function()
          return unclosed_at(row, col)
        end, 50)
        return unclosed_at(row, col) or { row = row, col = col, diagnostics = vim.diagnostic.get(buf) }
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
