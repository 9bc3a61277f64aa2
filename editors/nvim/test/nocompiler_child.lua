-- Run by spec.lua in a second Neovim (as the -u file) with a copy of the
-- plugin folder that has no parser, and no C compiler on PATH or in $CC:
-- opening a scholia file must give one warning that says so, build nothing,
-- and :checkhealth scholia must tell what happened.
-- Prints one "STATUS<TAB>name<TAB>detail" line per check.

local uv = vim.uv or vim.loop
local PLUGIN = assert(vim.env.SCHOLIA_PLUGIN_COPY)
vim.opt.runtimepath:prepend(PLUGIN)
vim.o.swapfile = false

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

vim.cmd("runtime plugin/scholia.lua")
require("scholia").setup({ cmd = { vim.env.SCHOLIA_BIN, "lsp" } })

vim.api.nvim_create_autocmd("VimEnter", {
  once = true,
  callback = function()
    local buf = vim.api.nvim_get_current_buf()
    local scholia = require("scholia")
    -- Give a build, were one started by mistake, time to show itself.
    vim.wait(1500, function()
      return false
    end, 50)

    check("the document got the filetype scholia", function()
      return vim.bo[buf].filetype == "scholia" or vim.bo[buf].filetype
    end)
    check("no compiler is found", function()
      local compiler, looked = scholia.find_compiler()
      return compiler == nil or { compiler = compiler, looked = looked }
    end)
    check("exactly one notification, a warning that names the missing compiler and :ScholiaBuildParser", function()
      local m = messages[1]
      return #messages == 1
          and m.level == vim.log.levels.WARN
          and m.msg:find("no C compiler found", 1, true) ~= nil
          and m.msg:find(":ScholiaBuildParser", 1, true) ~= nil
        or messages
    end)
    check("nothing was built and nothing highlights", function()
      return uv.fs_stat(PLUGIN .. "/parser/scholia.so") == nil
          and vim.treesitter.highlighter.active[buf] == nil
          and scholia.parser_build.state == "no-compiler"
        or scholia.parser_build
    end)
    check("a second scholia buffer gives no second warning", function()
      vim.cmd("enew")
      vim.bo.filetype = "scholia"
      return #messages == 1 or messages
    end)
    check(":checkhealth scholia says the parser was not built for want of a C compiler", function()
      vim.cmd("silent checkhealth scholia")
      local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
      return text:find("parser not built automatically: no C compiler found", 1, true) ~= nil or text
    end)
    vim.cmd("qall!")
  end,
})
