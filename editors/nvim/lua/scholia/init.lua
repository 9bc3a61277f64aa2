--- scholia for Neovim: filetype, language server, tree-sitter highlighting.
---
--- ```lua
--- require("scholia").setup({
---   cmd = { "scholia", "lsp" },          -- how to start the server
---   settings = {},                       -- sent as workspace settings
---   lint = { ["untagged-mention"] = "warning" }, -- per-code severity
--- })
--- ```
--- See README.md and :checkhealth scholia.
local M = {}

local uv = vim.uv or vim.loop

--- The plugin directory (editors/nvim in the scholia repository).
M.plugin_dir = (function()
  local src = debug.getinfo(1, "S").source
  if src:sub(1, 1) == "@" then
    src = src:sub(2)
  end
  return vim.fn.fnamemodify(src, ":p:h:h:h")
end)()

--- The severities a `lint` entry may take (SPEC §1, `[lint]`).
M.levels = { "off", "hint", "info", "warning", "error" }

--- @class scholia.Config
--- @field cmd string[]|fun(...): vim.lsp.rpc.PublicClient the server command
--- @field settings table workspace settings (workspace/configuration)
--- @field lint table<string, string> code -> severity, sent as init_options.lint
--- @field init_options table further initialization options
--- @field filetypes string[]
--- @field root_markers string[] files that mark the workspace root
--- @field capabilities table? client capabilities (merged with Neovim's)
--- @field on_attach fun(client: vim.lsp.Client, bufnr: integer)?
--- @field highlight boolean start tree-sitter highlighting in scholia buffers
--- @field auto_build boolean build the parser the first time a scholia buffer needs it
M.defaults = {
  cmd = { "scholia", "lsp" },
  settings = {},
  lint = {},
  init_options = {},
  filetypes = { "scholia" },
  root_markers = { "scholia.toml" },
  capabilities = nil,
  on_attach = nil,
  highlight = true,
  auto_build = true,
}

--- The options in force: the defaults until setup() is called.
--- @type scholia.Config
M.config = vim.deepcopy(M.defaults)

--- How the server is started: nil before setup(), "enable" on Neovim 0.11+
--- (vim.lsp.config + vim.lsp.enable), "start" on 0.10 (vim.lsp.start from a
--- FileType autocmd).
--- @type nil|"enable"|"start"
M.lsp_mode = nil

local function notify(msg, level)
  vim.notify("scholia: " .. msg, level or vim.log.levels.INFO)
end

local function has_lsp_config()
  return vim.fn.has("nvim-0.11") == 1 and vim.lsp.config ~= nil and vim.lsp.enable ~= nil
end

-- Tree-sitter -----------------------------------------------------------------

--- Whether the scholia language is loaded (without searching for it).
local function lang_loaded()
  if vim._ts_has_language then
    return vim._ts_has_language("scholia")
  end
  return (pcall(vim.treesitter.language.inspect, "scholia"))
end

--- The compiled parser: the first `parser/scholia.so` on 'runtimepath', else
--- the one in this plugin's directory (when the plugin was put on
--- package.path without being on 'runtimepath').
--- @return string?
function M.parser_path()
  local found = vim.api.nvim_get_runtime_file("parser/scholia.so", false)[1]
  if found then
    return found
  end
  local own = M.plugin_dir .. "/parser/scholia.so"
  if uv.fs_stat(own) then
    return own
  end
  return nil
end

--- Loads the tree-sitter parser if it is not loaded yet.
--- @return boolean ok
--- @return string? detail the parser's path, or why it could not be loaded
function M.load_parser()
  if lang_loaded() then
    return true, M.parser_path()
  end
  local path = M.parser_path()
  if not path then
    return false, "parser/scholia.so is not on 'runtimepath': run :ScholiaBuildParser"
  end
  -- Neovim 0.11 returns nil and a message on failure, 0.10 raises an error.
  local ok, res, err = pcall(vim.treesitter.language.add, "scholia", { path = path })
  if lang_loaded() then
    return true, path
  end
  return false, tostring((not ok and res) or err or ("cannot load " .. path))
end

--- Starts tree-sitter highlighting in a buffer (when `highlight` is on and the
--- parser loads). Returns whether the highlighter is active.
--- @param buf integer?
--- @return boolean
function M.start_highlight(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  if not M.config.highlight or not vim.api.nvim_buf_is_loaded(buf) then
    return false
  end
  if vim.treesitter.highlighter.active[buf] then
    return true
  end
  if not M.load_parser() then
    M.auto_build_parser()
    return false
  end
  local ok, err = pcall(vim.treesitter.start, buf, "scholia")
  if not ok then
    notify("tree-sitter highlighting failed: " .. tostring(err), vim.log.levels.WARN)
  end
  return ok and vim.treesitter.highlighter.active[buf] ~= nil
end

--- The C compiler the parser build would use: $CC (its first word), else
--- the first of cc, gcc, clang that is executable.
--- @return string? compiler
--- @return string[] looked_for
function M.find_compiler()
  local looked = {}
  local from_env = vim.env.CC and vim.trim(vim.env.CC):match("^%S+")
  if from_env then
    looked[#looked + 1] = "$CC (" .. from_env .. ")"
    if vim.fn.executable(from_env) == 1 then
      return from_env, looked
    end
  end
  for _, name in ipairs({ "cc", "gcc", "clang" }) do
    looked[#looked + 1] = name
    if vim.fn.executable(name) == 1 then
      return name, looked
    end
  end
  return nil, looked
end

--- Where the parser is written: parser/ in the plugin folder, or, when that
--- folder is read-only, parser/ under stdpath("data")/site (on 'runtimepath').
local function parser_dir()
  local own = M.plugin_dir .. "/parser"
  pcall(vim.fn.mkdir, own, "p")
  if vim.fn.filewritable(own) == 2 then
    return own
  end
  return vim.fn.stdpath("data") .. "/site/parser"
end

--- What happened to the parser in this session, for :checkhealth scholia:
--- nil (nothing was built), or { how = "auto"|"command", state =
--- "building"|"built"|"failed"|"no-compiler", detail = string }.
M.parser_build = nil

--- Compiles the parser with scripts/build-parser.sh (asynchronously), then
--- loads it and starts highlighting in the open scholia buffers.
--- @param on_done fun(ok: boolean, output: string)?
--- @param opts { auto: boolean? }? auto: the first-use build (one notification)
function M.build_parser(on_done, opts)
  local auto = opts and opts.auto or false
  local script = M.plugin_dir .. "/scripts/build-parser.sh"
  local was_loaded = lang_loaded()
  local compiler = M.find_compiler()
  local out_dir = parser_dir()
  local status = { how = auto and "auto" or "command", state = "building", detail = out_dir }
  M.parser_build = status
  if auto then
    notify("building the tree-sitter parser for highlighting (first use; needs a moment)…")
  else
    notify("building the tree-sitter parser…")
  end
  local env = { SCHOLIA_PARSER_DIR = out_dir }
  if compiler and not vim.env.CC then
    env.CC = compiler
  end
  vim.system({ "sh", script }, { text = true, env = env }, function(res)
    vim.schedule(function()
      local output = vim.trim((res.stdout or "") .. (res.stderr or ""))
      local ok = res.code == 0
      if not ok then
        status.state, status.detail = "failed", output
        notify("building the parser failed:\n" .. output, vim.log.levels.ERROR)
      elseif was_loaded then
        status.state, status.detail = "built", out_dir .. "/scholia.so"
        notify("parser rebuilt; restart Neovim to load the new one")
      else
        local loaded, detail = M.load_parser()
        if loaded then
          status.state, status.detail = "built", tostring(detail)
          for _, buf in ipairs(vim.api.nvim_list_bufs()) do
            if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == "scholia" then
              M.start_highlight(buf)
            end
          end
          if not auto then
            notify("parser built and loaded: " .. tostring(detail))
          end
        else
          ok = false
          status.state, status.detail = "failed", "built but not loaded: " .. tostring(detail)
          notify("parser built but not loaded: " .. tostring(detail), vim.log.levels.ERROR)
        end
      end
      if on_done then
        on_done(ok, output)
      end
    end)
  end)
end

--- The first time a scholia buffer needs the parser and it is missing:
--- builds it in the background (with one notification) when a C compiler is
--- found, else says once how to get highlighting. Runs at most once a session.
function M.auto_build_parser()
  if M.parser_build ~= nil or not M.config.auto_build or not M.config.highlight then
    return
  end
  if lang_loaded() or M.parser_path() then
    return
  end
  local compiler, looked = M.find_compiler()
  if not compiler then
    M.parser_build = {
      how = "auto",
      state = "no-compiler",
      detail = "looked for " .. table.concat(looked, ", "),
    }
    notify(
      "no C compiler found ("
        .. table.concat(looked, ", ")
        .. "): the tree-sitter parser is not built and scholia files are not highlighted. "
        .. "Install one (e.g. gcc) and run :ScholiaBuildParser",
      vim.log.levels.WARN
    )
    return
  end
  M.build_parser(nil, { auto = true })
end

-- Language server -------------------------------------------------------------

--- The LSP client config that setup() registers.
--- @param cfg scholia.Config
--- @return vim.lsp.Config
local function lsp_config(cfg)
  local init_options = vim.deepcopy(cfg.init_options or {})
  local lint = vim.tbl_extend("force", init_options.lint or {}, cfg.lint or {})
  -- An empty Lua table would be sent as a JSON array.
  init_options.lint = next(lint) and lint or vim.empty_dict()
  local settings = cfg.settings or {}
  return {
    cmd = cfg.cmd,
    filetypes = cfg.filetypes,
    root_markers = cfg.root_markers,
    settings = next(settings) and settings or vim.empty_dict(),
    init_options = init_options,
    capabilities = cfg.capabilities,
    on_attach = cfg.on_attach,
  }
end

--- The server config in force (after setup(), or vim.lsp.config on 0.11+).
--- @return table?
function M.lsp_config()
  if M.lsp_mode == "start" then
    return M._lsp
  end
  if has_lsp_config() then
    local ok, cfg = pcall(function()
      return vim.lsp.config.scholia
    end)
    if ok then
      return cfg
    end
  end
  return nil
end

--- Whether the server is set to start in scholia buffers.
function M.lsp_enabled()
  if M.lsp_mode then
    return true
  end
  if has_lsp_config() then
    if vim.lsp.is_enabled then
      return vim.lsp.is_enabled("scholia")
    end
    return vim.lsp._enabled_configs ~= nil and vim.lsp._enabled_configs.scholia ~= nil
  end
  return false
end

local warned_missing = false
local function executable_or_warn(cmd)
  if type(cmd) ~= "table" or cmd[1] == nil then
    return true
  end
  if vim.fn.executable(cmd[1]) == 1 then
    return true
  end
  if not warned_missing then
    warned_missing = true
    notify(
      ("the language server `%s` is not executable: build it (`cargo build --release` "):format(cmd[1])
        .. "in the scholia repository) and put it on $PATH, or pass its path as "
        .. "require('scholia').setup{ cmd = { '/path/to/scholia', 'lsp' } }. See :checkhealth scholia",
      vim.log.levels.WARN
    )
  end
  return false
end

--- Starts (or reuses) the client for a buffer with vim.lsp.start.
--- @param buf integer
--- @param base table the client config
local function start_client(buf, base)
  if vim.bo[buf].buftype ~= "" or not base then
    return nil
  end
  local config = vim.deepcopy(base)
  if not executable_or_warn(config.cmd) then
    return nil
  end
  config.name = "scholia"
  if type(config.root_dir) == "function" then
    return nil -- a dynamic root is vim.lsp.enable's business
  end
  if config.root_dir == nil then
    config.root_dir = vim.fs.root(buf, config.root_markers or M.defaults.root_markers)
  end
  config.root_markers = nil
  config.filetypes = nil
  return vim.lsp.start(config, { bufnr = buf })
end

--- What happens when a buffer gets the scholia filetype.
--- @param buf integer
function M._on_filetype(buf)
  if not vim.api.nvim_buf_is_valid(buf) then
    return
  end
  M.start_highlight(buf)
  if M.lsp_mode == "start" then
    start_client(buf, M._lsp)
  elseif M.lsp_mode == "enable" then
    -- vim.lsp.enable starts the client; only tell why it will not.
    local cfg = M.lsp_config()
    if cfg then
      executable_or_warn(cfg.cmd)
    end
  end
end

local function scholia_buffers()
  local list = {}
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == "scholia" then
      list[#list + 1] = buf
    end
  end
  return list
end

-- Watched files ---------------------------------------------------------------

--- The workspace files that are no scholia buffers but that the server reads:
--- scholia.toml, the registry (TOML) and the bibliography (CSL-JSON, BibTeX).
M.watched_patterns = { "*.toml", "*.json", "*.bib" }

local function realpath(p)
  return (p and uv.fs_realpath(p)) or p
end

--- Tells the scholia clients whose root holds `path` that it was written
--- (workspace/didChangeWatchedFiles). The server registers file watchers,
--- but Neovim watches files only where it announces dynamic registration of
--- didChangeWatchedFiles (macOS and Windows, not Linux): elsewhere a registry
--- saved in Neovim would never reach the server. Clients whose Neovim does
--- watch are left to it.
--- @param path string
--- @param created boolean
function M.notify_written(path, created)
  path = realpath(path)
  if not path or path == "" then
    return
  end
  for _, client in ipairs(vim.lsp.get_clients({ name = "scholia" })) do
    local watches = vim.tbl_get(client.capabilities or {}, "workspace", "didChangeWatchedFiles", "dynamicRegistration")
    local root = realpath(client.root_dir)
    if not watches and root and vim.startswith(path, root .. "/") then
      local params = {
        changes = { { uri = vim.uri_from_fname(path), type = created and 1 or 2 } },
      }
      if vim.fn.has("nvim-0.11") == 1 then
        client:notify("workspace/didChangeWatchedFiles", params)
      else
        client.notify("workspace/didChangeWatchedFiles", params)
      end
    end
  end
end

-- Translation report ----------------------------------------------------------

--- The server command that compares a translation with its original.
M.TRANSLATION_REPORT = "scholia.translationReport"

--- The command of the server's "mentioned in N documents" code lens on a
--- registry entry, run by the client: the references at that position.
M.SHOW_REFERENCES = "scholia.showReferences"

--- Shows the references at an LSP position of a file (the lens's arguments:
--- the file's URI and the position of the entry's id) through
--- vim.lsp.buf.references(), which fills the quickfix list. Registry lenses
--- need the server attached to the registry's TOML buffers: add "toml" to
--- `filetypes` in setup().
--- @param arguments any[]
function M.show_references(arguments)
  local uri, pos = arguments and arguments[1], arguments and arguments[2]
  if type(uri) ~= "string" or type(pos) ~= "table" or type(pos.line) ~= "number" then
    notify("scholia.showReferences: expected a URI and a position", vim.log.levels.WARN)
    return
  end
  local buf = vim.uri_to_bufnr(uri)
  vim.fn.bufload(buf)
  if vim.api.nvim_get_current_buf() ~= buf then
    vim.api.nvim_set_current_buf(buf)
  end
  local line = vim.api.nvim_buf_get_lines(buf, pos.line, pos.line + 1, false)[1] or ""
  -- The column counts in the encoding the server negotiated.
  local client = vim.lsp.get_clients({ name = "scholia" })[1]
  local encoding = client and client.offset_encoding or "utf-16"
  local ok, col = pcall(vim.str_byteindex, line, encoding, pos.character, false)
  vim.api.nvim_win_set_cursor(0, { pos.line + 1, ok and col or 0 })
  vim.lsp.buf.references({ includeDeclaration = false })
end

local function client_request(client, method, params, handler, bufnr)
  if vim.fn.has("nvim-0.11") == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Shows a translation report (the server's answer to scholia.translationReport)
--- in a read-only scratch buffer in a split below, reused for the same
--- translation. Returns the buffer, or nil when the answer is no report.
--- @param result table|nil the server's answer
--- @return integer?
function M.show_translation_report(result)
  if type(result) ~= "table" then
    notify("this document is no translation (no `translation-of` in its front matter), or it cannot be read")
    return nil
  end
  local text = result.text or result.markdown or ""
  local lines = vim.split(vim.trim(text), "\n", { plain = true })
  local target = result.translation_uri and vim.uri_to_fname(result.translation_uri) or "?"
  local name = "scholia://translation-report/" .. vim.fn.fnamemodify(target, ":~:.")
  local buf = -1
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.b[b].scholia_report_name == name then
      buf = b
    end
  end
  if buf == -1 then
    buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(buf, name)
    vim.b[buf].scholia_report_name = name
  end
  vim.bo[buf].buftype = "nofile"
  vim.bo[buf].bufhidden = "hide"
  vim.bo[buf].swapfile = false
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].modified = false
  vim.b[buf].scholia_translation_report = result
  local win = vim.fn.bufwinid(buf)
  if win == -1 then
    vim.cmd("botright split")
    win = vim.api.nvim_get_current_win()
    vim.api.nvim_win_set_buf(win, buf)
    vim.api.nvim_win_set_height(win, math.min(#lines + 1, math.max(8, math.floor(vim.o.lines / 2))))
  else
    vim.api.nvim_set_current_win(win)
  end
  vim.wo[win].wrap = false
  vim.wo[win].list = false
  vim.keymap.set("n", "q", "<cmd>close<cr>", { buffer = buf, desc = "scholia: close the report" })
  return buf
end

--- The buffer (the current one for nil or 0) and the scholia client attached
--- to it; without a client, a warning and `on_done(nil, "no client")`.
--- @param bufnr integer?
--- @param on_done function?
--- @return integer, vim.lsp.Client?
local function attached(bufnr, on_done)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = "scholia" })[1]
  if not client then
    notify("no scholia language server is attached to this buffer", vim.log.levels.WARN)
    if on_done then
      on_done(nil, "no client")
    end
  end
  return bufnr, client
end

--- Asks the scholia server for the translation report of a document (a
--- buffer, by default the current one) and shows it. `arguments` are the
--- command's (a code lens gives its own); `on_done(buf?, err?)` is called after.
--- @param bufnr integer?
--- @param arguments table?
--- @param on_done fun(report_buf: integer?, err: any)?
function M.translation_report(bufnr, arguments, on_done)
  local client
  bufnr, client = attached(bufnr, on_done)
  if not client then
    return
  end
  local params = {
    command = M.TRANSLATION_REPORT,
    arguments = arguments or { vim.uri_from_bufnr(bufnr) },
  }
  client_request(client, "workspace/executeCommand", params, function(err, result)
    local shown
    if err then
      notify("the translation report failed: " .. tostring(err.message or vim.inspect(err)), vim.log.levels.ERROR)
    else
      shown = M.show_translation_report(result)
    end
    if on_done then
      on_done(shown, err)
    end
  end, bufnr)
end

-- Export to TEI -----------------------------------------------------------------

--- The server command that exports a document to TEI.
M.EXPORT_TEI = "scholia.exportTei"

--- Exports a document (a buffer, by default the current one) to TEI. The
--- server answers with a `workspace/applyEdit` that creates (or replaces) the
--- document's .xml and register.xml in the workspace's export folder
--- (`[export] dir` of scholia.toml, default export/), from the text the
--- buffer holds now; Neovim applies it (the files are then buffers with
--- unsaved text) before the server answers, and the files are written here.
--- `on_done(paths?, err?)` is called after.
--- @param bufnr integer?
--- @param on_done fun(paths: string[]?, err: any)?
function M.export_tei(bufnr, on_done)
  local client
  bufnr, client = attached(bufnr, on_done)
  if not client then
    return
  end
  local params = { command = M.EXPORT_TEI, arguments = { vim.uri_from_bufnr(bufnr) } }
  client_request(client, "workspace/executeCommand", params, function(err, result)
    if err then
      notify("Export to TEI failed: " .. tostring(err.message or vim.inspect(err)), vim.log.levels.ERROR)
      if on_done then
        on_done(nil, err)
      end
      return
    end
    local paths = {}
    for _, uri in ipairs(type(result) == "table" and result.files or {}) do
      local path = vim.uri_to_fname(uri)
      local b = vim.fn.bufadd(path)
      vim.fn.bufload(b)
      if vim.bo[b].modified then
        -- `write!`: creating the file emptied it on disk under a buffer
        -- that may still be loaded from an earlier export.
        vim.api.nvim_buf_call(b, function()
          vim.cmd("silent noautocmd write!")
        end)
      end
      paths[#paths + 1] = path
    end
    if paths[1] then
      notify("exported to " .. vim.fn.fnamemodify(paths[1], ":~:.") .. " (and register.xml)")
    end
    if on_done then
      on_done(paths, nil)
    end
  end, bufnr)
end

-- Setup -----------------------------------------------------------------------

--- Filetype, parser registration, the FileType autocmd and the commands.
--- Idempotent; run by plugin/scholia.lua and by setup().
function M.bootstrap()
  if M._bootstrapped then
    return
  end
  M._bootstrapped = true
  vim.filetype.add({ extension = { scholia = "scholia" } })
  vim.treesitter.language.register("scholia", "scholia")

  local group = vim.api.nvim_create_augroup("scholia", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "scholia",
    desc = "scholia: tree-sitter highlighting and language server",
    callback = function(args)
      M._on_filetype(args.buf)
    end,
  })

  vim.api.nvim_create_autocmd("BufWritePre", {
    group = group,
    pattern = M.watched_patterns,
    desc = "scholia: remember whether a workspace file is new",
    callback = function(args)
      vim.b[args.buf].scholia_existed = uv.fs_stat(vim.fn.fnamemodify(args.match, ":p")) ~= nil
    end,
  })
  vim.api.nvim_create_autocmd("BufWritePost", {
    group = group,
    pattern = M.watched_patterns,
    desc = "scholia: tell the server that a registry, bibliography or scholia.toml was saved",
    callback = function(args)
      M.notify_written(vim.fn.fnamemodify(args.match, ":p"), vim.b[args.buf].scholia_existed == false)
    end,
  })

  vim.api.nvim_create_user_command("ScholiaTranslationReport", function()
    M.translation_report(0)
  end, { desc = "scholia: compare this translation with its original (scholia.translationReport)" })
  -- The code lens "Compare with the original" runs the server's command:
  -- Neovim looks here first, so its answer is shown instead of dropped.
  vim.lsp.commands[M.TRANSLATION_REPORT] = function(command, ctx)
    M.translation_report(ctx and ctx.bufnr, command.arguments)
  end
  vim.lsp.commands[M.SHOW_REFERENCES] = function(command)
    M.show_references(command.arguments)
  end

  vim.api.nvim_create_user_command("ScholiaExportTei", function()
    M.export_tei(0)
  end, { desc = "scholia: export this document to TEI in the workspace's export folder (scholia.exportTei)" })

  vim.api.nvim_create_user_command("ScholiaBuildParser", function()
    M.build_parser()
  end, { desc = "scholia: compile the tree-sitter parser (scripts/build-parser.sh)" })
  vim.api.nvim_create_user_command("ScholiaPreview", function()
    require("scholia.preview").open(0)
  end, { desc = "scholia: open the reading-edition page of this document in the browser" })

  for _, buf in ipairs(scholia_buffers()) do
    M._on_filetype(buf)
  end
end

local function check_lint(lint)
  for code, level in pairs(lint or {}) do
    if type(code) ~= "string" or not vim.tbl_contains(M.levels, level) then
      notify(
        ("lint: %s = %s is not one of %s"):format(
          vim.inspect(code),
          vim.inspect(level),
          table.concat(M.levels, ", ")
        ),
        vim.log.levels.WARN
      )
    end
  end
end

--- Configures and enables the scholia language server and highlighting.
--- Can be called again to change the options.
--- @param opts scholia.Config|table|nil
function M.setup(opts)
  opts = opts or {}
  if type(opts) ~= "table" then
    error("scholia.setup: expected a table, got " .. type(opts), 2)
  end
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts)
  check_lint(M.config.lint)
  M.bootstrap()

  local config = lsp_config(M.config)
  if has_lsp_config() then
    M.lsp_mode = "enable"
    vim.lsp.config("scholia", config)
    vim.lsp.enable("scholia")
  else
    M.lsp_mode = "start"
    M._lsp = config
  end

  for _, buf in ipairs(scholia_buffers()) do
    if not M.config.highlight and vim.treesitter.highlighter.active[buf] then
      vim.treesitter.stop(buf)
    end
    M.start_highlight(buf)
    if M.lsp_mode == "start" then
      start_client(buf, M._lsp)
    elseif vim.v.vim_did_enter == 0 then
      -- vim.lsp.enable starts clients for open buffers only after VimEnter.
      start_client(buf, M.lsp_config())
    end
  end
end

return M
