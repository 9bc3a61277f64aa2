-- Run by spec.lua in a second Neovim, as a user who installed the plugin as
-- a start package (pack/scholia/start/scholia -> editors/nvim) and has no
-- config (-u NORC): what works without setup(), :ScholiaBuildParser,
-- lsp/scholia.lua for vim.lsp.enable, and a missing server binary.
-- Prints one "STATUS<TAB>name<TAB>detail" line per check.

local uv = vim.uv or vim.loop
local BIN = assert(vim.env.SCHOLIA_BIN)
local SEEDS = assert(vim.env.SCHOLIA_SEEDS)

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

local messages = {}
vim.notify = function(msg, level)
  messages[#messages + 1] = { msg = tostring(msg), level = level or vim.log.levels.INFO }
end
local function message_with(s)
  for _, m in ipairs(messages) do
    if m.msg:find(s, 1, true) then
      return m
    end
  end
end

local seeds = vim.fn.glob(SEEDS .. "/*.scholia", false, true)

check("plugin/scholia.lua loaded from pack/*/start without setup()", function()
  return vim.g.loaded_scholia == true and vim.fn.exists(":ScholiaBuildParser") == 2
    or { loaded = vim.g.loaded_scholia, command = vim.fn.exists(":ScholiaBuildParser") }
end)

check(":ScholiaBuildParser compiles and loads the parser", function()
  vim.cmd("ScholiaBuildParser")
  vim.wait(60000, function()
    return message_with("parser built") ~= nil or message_with("failed") ~= nil
  end, 50)
  local m = message_with("parser built and loaded")
  return m ~= nil and m.msg:find("/parser/scholia.so", 1, true) ~= nil or messages
end)

vim.cmd.edit(vim.fn.fnameescape(seeds[1]))
local buf = vim.api.nvim_get_current_buf()

check("a .scholia file gets the filetype scholia", function()
  return vim.bo[buf].filetype == "scholia" or vim.bo[buf].filetype
end)

check("tree-sitter highlighting starts without setup()", function()
  return vim.treesitter.highlighter.active[buf] ~= nil or "not active"
end)

check("no server is started without setup() or vim.lsp.enable", function()
  vim.wait(300)
  return #vim.lsp.get_clients({ name = "scholia" }) == 0 or "a client started"
end)

check("lsp/scholia.lua provides vim.lsp.config.scholia", function()
  local cfg = vim.lsp.config.scholia
  return cfg ~= nil
      and vim.deep_equal(cfg.cmd, { "scholia", "lsp" })
      and vim.deep_equal(cfg.filetypes, { "scholia" })
      and vim.deep_equal(cfg.root_markers, { "scholia.toml" })
    or cfg
end)

check("vim.lsp.enable('scholia') alone attaches with root seeds/", function()
  vim.lsp.config("scholia", { cmd = { BIN, "lsp" } })
  vim.lsp.enable("scholia")
  vim.cmd.edit(vim.fn.fnameescape(seeds[2]))
  local b = vim.api.nvim_get_current_buf()
  vim.wait(15000, function()
    return vim.lsp.get_clients({ bufnr = b, name = "scholia" })[1] ~= nil
  end, 50)
  local client = vim.lsp.get_clients({ bufnr = b, name = "scholia" })[1]
  return client ~= nil and uv.fs_realpath(client.root_dir) == uv.fs_realpath(SEEDS)
    or { client = client and client.root_dir }
end)

check("a missing server binary: one warning, no error", function()
  for _, c in ipairs(vim.lsp.get_clients()) do
    c:stop()
  end
  require("scholia").setup({ cmd = { "scholia-not-installed-anywhere", "lsp" } })
  vim.cmd.edit(vim.fn.fnameescape(seeds[3]))
  vim.wait(500)
  local m = message_with("is not executable")
  return m ~= nil and m.level == vim.log.levels.WARN and m.msg:find("checkhealth", 1, true) ~= nil
    or messages
end)

vim.wait(3000, function()
  return #vim.lsp.get_clients() == 0
end, 50)
os.exit(0)
