--- :checkhealth scholia
local M = {}

local health = vim.health
local QUERIES = { "highlights", "injections", "folds" }

local function read(path)
  local f = io.open(path, "rb")
  if not f then
    return nil
  end
  local s = f:read("*a")
  f:close()
  return s
end

local function check_neovim()
  health.start("scholia: Neovim")
  local v = vim.version()
  local version = ("%d.%d.%d"):format(v.major, v.minor, v.patch)
  if vim.fn.has("nvim-0.11") == 1 then
    health.ok(("Neovim %s: the server is registered with vim.lsp.config + vim.lsp.enable"):format(version))
  elseif vim.fn.has("nvim-0.10") == 1 then
    health.ok(("Neovim %s: the server is started with vim.lsp.start"):format(version))
  else
    health.error(("Neovim %s is too old"):format(version), { "scholia needs Neovim 0.10 or newer" })
  end
end

local function check_server(scholia)
  health.start("scholia: language server")
  local config = scholia.lsp_config()
  if not scholia.lsp_enabled() then
    health.warn("the server is not enabled", {
      "call require('scholia').setup{} in your config (lazy.nvim: opts = {})",
      "or, on Neovim 0.11+, vim.lsp.enable('scholia')",
    })
  end
  local cmd = (config and config.cmd) or scholia.config.cmd
  if type(cmd) == "function" then
    health.info("cmd is a function (a custom transport): not checked")
  elseif type(cmd) ~= "table" or type(cmd[1]) ~= "string" then
    health.error("cmd is not a list of strings: " .. vim.inspect(cmd))
  else
    local exe = vim.fn.exepath(cmd[1])
    if exe == "" then
      health.error(("`%s` not found or not executable"):format(cmd[1]), {
        "build the server: `cargo build --release` in the scholia repository (binary target/release/scholia)",
        "put it on $PATH, or set require('scholia').setup{ cmd = { '/path/to/scholia', 'lsp' } }",
      })
    else
      local ok, res = pcall(function()
        return vim.system({ exe, "--version" }, { text = true }):wait(5000)
      end)
      if ok and res.code == 0 then
        health.ok(("%s (%s)"):format(exe, vim.trim(res.stdout or "")))
      else
        health.warn(("%s found, but `--version` failed: %s"):format(
          exe,
          ok and vim.trim((res.stderr or "") .. " exit " .. tostring(res.code)) or tostring(res)
        ))
      end
      health.info("command: " .. table.concat(cmd, " "))
    end
  end
  if config and config.init_options then
    local ok, json = pcall(vim.json.encode, config.init_options)
    health.info("init_options: " .. (ok and json or vim.inspect(config.init_options)))
  end
  local clients = vim.lsp.get_clients({ name = "scholia" })
  if #clients == 0 then
    health.info("no scholia client is running (open a .scholia file)")
  end
  for _, client in ipairs(clients) do
    health.info(("client %d running, root %s, %d buffer(s)"):format(
      client.id,
      tostring(client.root_dir or client.config.root_dir or "(none: single file)"),
      vim.tbl_count(client.attached_buffers or {})
    ))
  end
end

local function check_treesitter(scholia)
  health.start("scholia: tree-sitter")
  -- What happened to the parser in this session (the first-use build).
  local build = scholia.parser_build
  if build == nil then
    local compiler = scholia.find_compiler()
    health.info(
      ("parser: not built in this session (it was already there, or no scholia buffer needed it yet); "
        .. "automatic build on first use: %s; C compiler: %s"):format(
        scholia.config.auto_build and "on" or "off (setup{ auto_build = false })",
        compiler or "none found"
      )
    )
  elseif build.state == "built" then
    health.ok(
      ("parser built %s in this session: %s"):format(
        build.how == "auto" and "automatically on first use" or "by :ScholiaBuildParser",
        build.detail
      )
    )
  elseif build.state == "building" then
    health.info(("parser: %s build in progress (into %s)"):format(build.how == "auto" and "automatic" or "the", build.detail))
  elseif build.state == "no-compiler" then
    health.warn("parser not built automatically: no C compiler found (" .. build.detail .. ")", {
      "install a C compiler (e.g. `apt install gcc`, Xcode's command line tools), then run :ScholiaBuildParser",
    })
  else
    health.error(("parser build failed (%s): %s"):format(build.how == "auto" and "automatic, on first use" or ":ScholiaBuildParser", build.detail))
  end

  local path = scholia.parser_path()
  local loaded, detail = scholia.load_parser()
  if not path and not loaded then
    health.error("parser/scholia.so not found on 'runtimepath'", {
      "open a scholia file to build it automatically (needs a C compiler), or run :ScholiaBuildParser",
    })
  elseif not loaded then
    health.error("the parser does not load: " .. tostring(detail), {
      "rebuild it with :ScholiaBuildParser and restart Neovim",
    })
  else
    local ok, info = pcall(vim.treesitter.language.inspect, "scholia")
    local abi = ok and info and (info.abi_version or info._abi_version)
    health.ok(("parser loads: %s%s"):format(tostring(detail), abi and (" (ABI " .. abi .. ")") or ""))
  end

  for _, name in ipairs(QUERIES) do
    local files = vim.api.nvim_get_runtime_file(("queries/scholia/%s.scm"):format(name), true)
    if #files == 0 then
      health.error(("queries/scholia/%s.scm not found on 'runtimepath'"):format(name))
    elseif loaded then
      local ok, err = pcall(vim.treesitter.query.get, "scholia", name)
      if ok then
        health.ok(("%s query: %s"):format(name, files[1]))
      else
        health.error(("%s query does not compile: %s"):format(name, tostring(err)))
      end
    else
      health.ok(("%s query found: %s"):format(name, files[1]))
    end
  end

  -- In a checkout of the repository, the copies must match the grammar's.
  local real = vim.fn.resolve(scholia.plugin_dir)
  local grammar = real .. "/../tree-sitter-scholia/queries"
  if vim.fn.isdirectory(grammar) == 1 then
    local stale = {}
    for _, name in ipairs(QUERIES) do
      local want = read(grammar .. "/" .. name .. ".scm")
      if want and want ~= read(real .. "/queries/scholia/" .. name .. ".scm") then
        stale[#stale + 1] = name .. ".scm"
      end
    end
    if #stale > 0 then
      health.warn("queries differ from editors/tree-sitter-scholia/queries: " .. table.concat(stale, ", "), {
        "run scripts/sync-queries.sh in the plugin directory",
      })
    end
  end

  -- The front matter is injected as TOML (injections.scm); Neovim does not
  -- bundle a TOML parser.
  if loaded and not pcall(vim.treesitter.language.inspect, "toml") then
    health.info("no TOML parser: the front matter is not highlighted as TOML (e.g. :TSInstall toml with nvim-treesitter)")
  end

  if not scholia.config.highlight then
    health.info("highlighting is off (setup{ highlight = false })")
  end
  local active = 0
  for buf in pairs(vim.treesitter.highlighter.active) do
    if vim.api.nvim_buf_is_valid(buf) and vim.bo[buf].filetype == "scholia" then
      active = active + 1
    end
  end
  health.info(("tree-sitter highlighting active in %d scholia buffer(s)"):format(active))
end

function M.check()
  local scholia = require("scholia")
  check_neovim()
  check_server(scholia)
  check_treesitter(scholia)
end

return M
