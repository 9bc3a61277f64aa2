-- Tests of the scholia Neovim plugin in a real Neovim, against the real
-- server and the real seed documents. Run by test/run.sh:
--
--   nvim --headless --clean -u test/minimal_init.lua -l test/spec.lua
--
-- Every assertion is one test. Positions are found by searching the buffers
-- (the seeds change while they are annotated), never hard-coded. The last
-- line is "N passed, N failed, N skipped"; the exit code is 1 on failure.

local uv = vim.uv or vim.loop

local TEST_DIR = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
local PLUGIN_DIR = vim.fn.fnamemodify(TEST_DIR, ":h")
local REPO = vim.fn.fnamemodify(PLUGIN_DIR, ":h:h")
local SEEDS = vim.env.SCHOLIA_SEEDS or (REPO .. "/seeds")
local BIN = vim.env.SCHOLIA_BIN or (REPO .. "/target/release/scholia")
local TIMEOUT = tonumber(vim.env.SCHOLIA_TEST_TIMEOUT or "") or 15000

local SEED_CONVERSATION = SEEDS .. "/1952-09-19-stalin-zhou-conversation.scholia"
local SEED_REPORT = SEEDS .. "/1952-09-14-zhou-to-mao.scholia"

-- Harness ----------------------------------------------------------------------

local counts = { passed = 0, failed = 0, skipped = 0 }

local function out(s)
  io.stdout:write(s .. "\n")
  io.stdout:flush()
end

local function show(v)
  if type(v) == "string" then
    return v
  end
  return vim.inspect(v, { newline = " ", indent = "" })
end

local Skip = {}

local function skip(msg)
  error(setmetatable({ msg = msg }, Skip), 0)
end

local function fail(expected, got)
  error({ expected = expected, got = got }, 0)
end

--- Fails unless cond holds; `expected` and `got` are printed on failure.
local function check(cond, expected, got)
  if not cond then
    fail(expected, got)
  end
end

local function test(name, fn)
  local ok, err = xpcall(fn, function(e)
    if type(e) == "table" then
      return e
    end
    return { expected = "no Lua error", got = debug.traceback(tostring(e), 2) }
  end)
  if ok then
    counts.passed = counts.passed + 1
    out("ok      " .. name)
  elseif getmetatable(err) == Skip then
    counts.skipped = counts.skipped + 1
    out("skipped " .. name .. ": " .. err.msg)
  else
    counts.failed = counts.failed + 1
    out("FAILED  " .. name)
    out("          expected: " .. show(err.expected))
    out("          got:      " .. show(err.got))
  end
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then
    return nil
  end
  local s = f:read("*a")
  f:close()
  return s
end

local function realpath(p)
  return p and uv.fs_realpath(p) or p
end

--- The first position of a plain `needle` in a buffer, or where `pred`
--- accepts it: 0-based row and byte column.
local function find_in_buf(buf, needle, pred)
  for row, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local init = 1
    while true do
      local s = line:find(needle, init, true)
      if not s then
        break
      end
      if not pred or pred(line, s) then
        return row - 1, s - 1, line
      end
      init = s + 1
    end
  end
  return nil
end

--- The registry entry with this id: its file, 0-based header row, name.
local function registry_entry(id)
  for _, file in ipairs(vim.fn.glob(SEEDS .. "/registry/*.toml", false, true)) do
    local lines = vim.split(read(file) or "", "\n", { plain = true })
    for i, line in ipairs(lines) do
      if line:match("^%[%a+%." .. vim.pesc(id) .. "%]%s*$") then
        for j = i + 1, #lines do
          if lines[j]:match("^%[") then
            break
          end
          local name = lines[j]:match('^name%s*=%s*"(.-)"')
          if name then
            return { file = file, row = i - 1, name = name }
          end
        end
        return { file = file, row = i - 1 }
      end
    end
  end
  return nil
end

--- Every registry entry: { id, kind, name }.
local function registry_entries()
  local list = {}
  for _, file in ipairs(vim.fn.glob(SEEDS .. "/registry/*.toml", false, true)) do
    local current
    for line in (read(file) or ""):gmatch("[^\n]*") do
      local kind, id = line:match("^%[(%a+)%.([%w-]+)%]%s*$")
      if kind then
        current = { id = id, kind = kind }
        list[#list + 1] = current
      elseif current and not current.name then
        current.name = line:match('^name%s*=%s*"(.-)"')
      end
    end
  end
  return list
end

local function wait(cond, ms)
  return vim.wait(ms or TIMEOUT, cond, 50)
end

local function client_of(buf)
  return vim.lsp.get_clients({ bufnr = buf, name = "scholia" })[1]
end

local function open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  wait(function()
    return client_of(buf) ~= nil
  end)
  return buf
end

--- A request through Neovim's client at a buffer position (0-based row,
--- byte column).
local function request(buf, method, row, col)
  local client = client_of(buf)
  check(client ~= nil, "a scholia client attached to " .. vim.api.nvim_buf_get_name(buf), "none")
  -- Built by hand rather than from the cursor: a position just past the end
  -- of a line (after a typed `[[`) is no normal-mode cursor position.
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(buf),
    position = {
      line = row,
      character = vim.lsp.util.character_offset(buf, row, col, client.offset_encoding),
    },
  }
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, TIMEOUT)
  check(responses ~= nil, method .. " answered", err or "timeout")
  local response = responses[client.id]
  check(response ~= nil and response.err == nil, method .. " without error", response)
  return response.result
end

--- Diagnostics of a buffer by code.
local function diags(buf, code)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if code == nil or d.code == code then
      list[#list + 1] = d
    end
  end
  return list
end

local function brief_diag(d)
  return ("%s %d:%d-%d:%d sev %d"):format(
    tostring(d.code),
    d.lnum,
    d.col,
    d.end_lnum or -1,
    d.end_col or -1,
    d.severity
  )
end

local function captures_at(buf, row, col)
  -- Headless Neovim never redraws, so the highlighter has not parsed yet:
  -- parse its tree as a redraw would.
  local hl = vim.treesitter.highlighter.active[buf]
  if hl then
    hl.tree:parse(true)
  end
  local names = {}
  for _, c in ipairs(vim.treesitter.get_captures_at_pos(buf, row, col)) do
    if c.lang == "scholia" then
      names[#names + 1] = c.capture
    end
  end
  return names
end

-- Preconditions ----------------------------------------------------------------

out(("Neovim %s, server %s, seeds %s"):format(tostring(vim.version()), BIN, SEEDS))

test("the server binary is executable (SCHOLIA_BIN)", function()
  check(vim.fn.executable(BIN) == 1, "an executable at " .. BIN, "not executable")
end)

test("the seed documents exist", function()
  check(
    uv.fs_stat(SEED_CONVERSATION) and uv.fs_stat(SEED_REPORT) and uv.fs_stat(SEEDS .. "/scholia.toml"),
    "seeds/scholia.toml and the 1952-09-19 and 1952-09-14 documents",
    vim.fn.glob(SEEDS .. "/*", false, true)
  )
end)

-- The queries shipped with the plugin are the grammar's ---------------------------

do
  local grammar_queries = REPO .. "/editors/tree-sitter-scholia/queries"
  local originals = vim.fn.glob(grammar_queries .. "/*.scm", false, true)
  test("the grammar has queries to compare with", function()
    check(#originals > 0, "queries in " .. grammar_queries, originals)
  end)
  for _, original in ipairs(originals) do
    local name = vim.fn.fnamemodify(original, ":t")
    test("queries/scholia/" .. name .. " is identical to the grammar's", function()
      local copy = read(PLUGIN_DIR .. "/queries/scholia/" .. name)
      check(copy ~= nil, "editors/nvim/queries/scholia/" .. name, "missing (run scripts/sync-queries.sh)")
      check(copy == read(original), "the same bytes as " .. original, "a different file (run scripts/sync-queries.sh)")
    end)
  end
  test("queries/scholia has no query the grammar lacks", function()
    local extra = {}
    for _, copy in ipairs(vim.fn.glob(PLUGIN_DIR .. "/queries/scholia/*.scm", false, true)) do
      if not uv.fs_stat(grammar_queries .. "/" .. vim.fn.fnamemodify(copy, ":t")) then
        extra[#extra + 1] = copy
      end
    end
    check(#extra == 0, "no extra query files", extra)
  end)
end

-- Setup and the first document -----------------------------------------------------

local LINT = { ["unclosed-bracket"] = "warning" }

test("setup{} runs without error", function()
  require("scholia").setup({
    cmd = { BIN, "lsp" },
    lint = LINT,
    settings = { scholia = { test = true } },
  })
end)

test("the parser is registered for the scholia filetype", function()
  check(
    vim.treesitter.language.get_lang("scholia") == "scholia",
    "get_lang('scholia') == 'scholia'",
    vim.treesitter.language.get_lang("scholia")
  )
end)

-- The parser is built on first use ------------------------------------------------

-- Every notification of the plugin, recorded (and still shown).
local notifications = {}
do
  local original_notify = vim.notify
  vim.notify = function(msg, level, opts)
    notifications[#notifications + 1] = { msg = tostring(msg), level = level or vim.log.levels.INFO }
    return original_notify(msg, level, opts)
  end
end
local function parser_notifications()
  return vim.tbl_filter(function(n)
    return n.msg:find("parser", 1, true) ~= nil
  end, notifications)
end

local PARSER_SO = PLUGIN_DIR .. "/parser/scholia.so"

test("the plugin folder starts without a parser (run.sh removes it, as in a fresh install)", function()
  check(uv.fs_stat(PARSER_SO) == nil, "no " .. PARSER_SO, "it exists")
  check(not pcall(vim.treesitter.language.inspect, "scholia"), "the scholia language not loaded", "loaded")
end)

local conv = open(SEED_CONVERSATION)

test("opening the first scholia buffer starts building the parser (vim.system, not blocking)", function()
  local build = require("scholia").parser_build
  check(build ~= nil and build.how == "auto", "an automatic build", build)
  check(build.state == "building" or build.state == "built", "building (or already built)", build)
end)

test("when the build is done, the highlighter is attached to the open buffer", function()
  wait(function()
    return vim.treesitter.highlighter.active[conv] ~= nil
  end, 180000)
  check(vim.treesitter.highlighter.active[conv] ~= nil, "highlighter.active[conv]", require("scholia").parser_build)
  check(uv.fs_stat(PARSER_SO) ~= nil, PARSER_SO, "missing")
  local build = require("scholia").parser_build
  check(build.state == "built" and realpath(build.detail) == realpath(PARSER_SO), "built into " .. PARSER_SO, build)
end)

test("the automatic build gave exactly one notification", function()
  local list = parser_notifications()
  check(#list == 1, "one notification about the parser", list)
  check(list[1].msg:find("building the tree-sitter parser", 1, true) ~= nil, "it says the parser is being built", list[1])
  check(list[1].level == vim.log.levels.INFO, "at INFO level", list[1].level)
end)

test("a *.scholia file gets the filetype scholia", function()
  check(vim.bo[conv].filetype == "scholia", "scholia", vim.bo[conv].filetype)
end)

local client = client_of(conv)

test("the client named scholia attached to the document", function()
  check(client ~= nil, "a client named scholia", vim.tbl_map(function(c)
    return c.name
  end, vim.lsp.get_clients()))
end)

test("a position encoding is negotiated (Neovim offers utf-8, utf-16, utf-32)", function()
  check(client ~= nil, "a client", "none")
  local enc = client.offset_encoding
  check(enc == "utf-8" or enc == "utf-16" or enc == "utf-32", "utf-8, utf-16 or utf-32", enc)
  out("        (negotiated " .. enc .. ")")
end)

test("the client's root is seeds/ (scholia.toml)", function()
  check(client ~= nil, "a client", "none")
  check(
    realpath(client.root_dir) == realpath(SEEDS),
    realpath(SEEDS),
    client.root_dir
  )
end)

test("init_options.lint is passed through to the server", function()
  check(client ~= nil, "a client", "none")
  check(vim.deep_equal(client.config.init_options.lint, LINT), LINT, client.config.init_options)
end)

-- Diagnostics ------------------------------------------------------------------

wait(function()
  return #diags(conv) > 0
end)

test("diagnostics arrive, each with source scholia", function()
  local list = diags(conv)
  check(#list > 0, "at least one diagnostic", "none within " .. TIMEOUT .. " ms")
  for _, d in ipairs(list) do
    check(d.source == "scholia", "source = scholia", d)
  end
end)

test("unclosed-bracket on exactly the `[` of `[because the UN`", function()
  local row, col = find_in_buf(conv, "[because the ")
  check(row ~= nil, "the text `[because the ` in the 1952-09-19 seed", "not found")
  local found = vim.tbl_map(brief_diag, diags(conv, "unclosed-bracket"))
  local hit
  for _, d in ipairs(diags(conv, "unclosed-bracket")) do
    if d.lnum == row and d.col == col and d.end_lnum == row and d.end_col == col + 1 then
      hit = d
    end
  end
  check(hit ~= nil, ("unclosed-bracket %d:%d-%d:%d"):format(row, col, row, col + 1), found)
  -- setup{ lint = { ["unclosed-bracket"] = "warning" } } reached the server.
  check(
    hit.severity == vim.diagnostic.severity.WARN,
    "severity WARN (set by lint = { ['unclosed-bracket'] = 'warning' })",
    brief_diag(hit)
  )
end)

test("an edit updates the diagnostics (incremental sync)", function()
  local last = vim.api.nvim_buf_line_count(conv)
  -- Wide characters before the bracket: the column must survive the
  -- position encoding both ways (byte column here, the server's units there).
  vim.api.nvim_buf_set_lines(conv, last, last, false, { "", "周恩来 said 🙂 é [unclosed insertion here" })
  local row, col = find_in_buf(conv, "[unclosed insertion")
  local function present()
    for _, d in ipairs(diags(conv, "unclosed-bracket")) do
      if d.lnum == row and d.col == col then
        return true
      end
    end
    return false
  end
  wait(present)
  check(present(), ("unclosed-bracket at %d:%d after the edit"):format(row, col), vim.tbl_map(brief_diag, diags(conv, "unclosed-bracket")))
  vim.api.nvim_buf_set_lines(conv, last, -1, false, {})
  wait(function()
    return not present()
  end)
  check(not present(), "the diagnostic gone after undoing the edit", vim.tbl_map(brief_diag, diags(conv, "unclosed-bracket")))
  vim.bo[conv].modified = false
end)

-- Hover ------------------------------------------------------------------------

test("hover on a mention shows the entity's name (markdown)", function()
  local entry = registry_entry("stalin")
  check(entry and entry.name, "[person.stalin] with a name in seeds/registry", entry)
  local row, col = find_in_buf(conv, "[[stalin|")
  check(row ~= nil, "a mention [[stalin|…]] in the seed", "not found")
  local result = request(conv, "textDocument/hover", row, col + 3)
  check(result ~= nil and result.contents ~= nil, "a hover", result)
  local contents = result.contents
  check(contents.kind == "markdown", "MarkupContent of kind markdown", contents)
  check(contents.value:find(entry.name, 1, true) ~= nil, "markdown containing " .. entry.name, contents.value)
end)

test("scholia.showReferences (the registry lens's command) fills the quickfix list with the references", function()
  local row, col = find_in_buf(conv, "[[stalin|")
  check(row ~= nil, "a mention [[stalin|…]] in the seed", "not found")
  local uri = vim.uri_from_bufnr(conv)
  local line = vim.api.nvim_buf_get_lines(conv, row, row + 1, false)[1]
  local character = vim.str_utfindex(line, client_of(conv).offset_encoding, col + 3, false)
  local answers = vim.lsp.buf_request_sync(conv, "textDocument/references", {
    textDocument = { uri = uri },
    position = { line = row, character = character },
    context = { includeDeclaration = false },
  }, TIMEOUT)
  local answer = answers and answers[client_of(conv).id]
  local expected = answer and answer.result
  check(type(expected) == "table" and #expected > 1, "references of stalin from the server", answer)
  vim.fn.setqflist({}, "r")
  vim.lsp.commands["scholia.showReferences"]({
    title = "mentioned in N documents",
    command = "scholia.showReferences",
    arguments = { uri, { line = row, character = character } },
  }, { bufnr = conv })
  wait(function()
    return #vim.fn.getqflist() > 0
  end)
  local items = vim.fn.getqflist()
  check(#items == #expected, #expected .. " quickfix items (includeDeclaration false)", #items)
  vim.cmd("cclose")
  vim.api.nvim_set_current_buf(conv)
end)

local report = open(SEED_REPORT)

test("hover on a mention after a non-ASCII character (’) on its line", function()
  local entry = registry_entry("stalin")
  local row, col = find_in_buf(report, "[[stalin|", function(line, s)
    return line:sub(1, s):find("[\128-\255]") ~= nil
  end)
  check(row ~= nil, "a mention [[stalin|…]] after a non-ASCII character in " .. SEED_REPORT, "none")
  local result = request(report, "textDocument/hover", row, col + 3)
  local value = result and result.contents and result.contents.value
  check(type(value) == "string" and value:find(entry.name, 1, true) ~= nil, "a hover containing " .. entry.name, result)
end)

-- Definition ------------------------------------------------------------------

test("definition on a footnote reference [^n] jumps to its [^n]: line", function()
  local label
  local row, col = find_in_buf(report, "[^", function(line, s)
    local l = line:match("^%[%^([%w_-]+)%]", s)
    if not l then
      return false
    end
    -- a reference, not the marker of a definition
    if s == 1 and line:sub(s + #l + 3, s + #l + 3) == ":" then
      return false
    end
    label = l
    return true
  end)
  check(row ~= nil, "a footnote reference in " .. SEED_REPORT, "none")
  local def_row = find_in_buf(report, "[^" .. label .. "]:", function(_, s)
    return s == 1
  end)
  check(def_row ~= nil, "a definition [^" .. label .. "]: at a line start", "none")
  check(client_of(report) ~= nil, "the client attached to the report", "none")
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 1 })
  vim.lsp.buf.definition()
  wait(function()
    return vim.api.nvim_win_get_cursor(0)[1] == def_row + 1
  end, 5000)
  local cursor = vim.api.nvim_win_get_cursor(0)
  check(
    vim.api.nvim_get_current_buf() == report and cursor[1] == def_row + 1 and cursor[2] == 0,
    ("the same buffer, line %d col 0 (`[^%s]:`)"):format(def_row + 1, label),
    ("%s line %d col %d"):format(vim.api.nvim_buf_get_name(0), cursor[1], cursor[2])
  )
end)

test("hover on a footnote reference shows the note's text", function()
  local row, col = find_in_buf(report, "[^1]", function(_, s)
    return s > 1
  end)
  check(row ~= nil, "a reference [^1]", "none")
  local _, _, def_line = find_in_buf(report, "[^1]:", function(_, s)
    return s == 1
  end)
  local words = def_line and def_line:match("^%[%^1%]:%s*(%a+%s+%a+)")
  check(words ~= nil, "a definition [^1]: starting with two words", def_line)
  local result = request(report, "textDocument/hover", row, col + 1)
  local value = result and result.contents and (result.contents.value or result.contents)
  check(type(value) == "string" and value:find(words, 1, true) ~= nil, "a hover containing `" .. words .. "`", result)
end)

test("definition on a mention opens its registry file on the entity's line", function()
  local entry = registry_entry("stalin")
  check(entry ~= nil, "[person.stalin] in seeds/registry", "none")
  vim.api.nvim_set_current_buf(conv)
  local row, col = find_in_buf(conv, "[[stalin|")
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 3 })
  vim.lsp.buf.definition()
  wait(function()
    return realpath(vim.api.nvim_buf_get_name(0)) == realpath(entry.file)
      and vim.api.nvim_win_get_cursor(0)[1] == entry.row + 1
  end, 5000)
  local name = vim.api.nvim_buf_get_name(0)
  local cursor = vim.api.nvim_win_get_cursor(0)
  check(
    realpath(name) == realpath(entry.file) and cursor[1] == entry.row + 1,
    ("%s line %d (`[…stalin]`)"):format(entry.file, entry.row + 1),
    ("%s line %d"):format(name, cursor[1])
  )
  vim.api.nvim_set_current_buf(conv)
end)

-- A registry saved in Neovim ------------------------------------------------------

test("saving a registry file in Neovim updates an open document's diagnostics", function()
  -- A workspace of its own: the seeds are not written to.
  local ws = vim.fn.tempname()
  vim.fn.mkdir(ws .. "/registry", "p")
  vim.fn.writefile({ 'registry = ["registry/*.toml"]' }, ws .. "/scholia.toml")
  vim.fn.writefile({ "[person.alpha]", 'name = "Alpha"' }, ws .. "/registry/people.toml")
  vim.fn.writefile({ "[[alpha]] met [[beta]].", "" }, ws .. "/doc.scholia")
  local doc = open(ws .. "/doc.scholia")
  local c = client_of(doc)
  check(c ~= nil and realpath(c.root_dir) == realpath(ws), "a client with root " .. ws, c and c.root_dir)
  local function unknown()
    return #diags(doc, "unknown-entity")
  end
  wait(function()
    return unknown() > 0
  end)
  check(unknown() == 1, "one unknown-entity ([[beta]]) before", vim.tbl_map(brief_diag, diags(doc)))
  vim.cmd.edit(vim.fn.fnameescape(ws .. "/registry/people.toml"))
  vim.api.nvim_buf_set_lines(0, -1, -1, false, { "", "[person.beta]", 'name = "Beta"' })
  vim.cmd("silent write")
  wait(function()
    return unknown() == 0
  end)
  local after, remaining = vim.tbl_map(brief_diag, diags(doc)), unknown()
  vim.cmd("silent! bwipeout! " .. vim.fn.bufnr(ws .. "/registry/people.toml"))
  vim.cmd("silent! bwipeout! " .. doc)
  for _, cl in ipairs(vim.lsp.get_clients({ name = "scholia" })) do
    if realpath(cl.root_dir) == realpath(ws) then
      cl:stop()
    end
  end
  vim.fn.delete(ws, "rf")
  vim.api.nvim_set_current_buf(conv)
  check(remaining == 0, "no unknown-entity after :write of the registry", after)
end)

-- Completion -------------------------------------------------------------------

test("completion after `[[` lists registry entries", function()
  local caps = client and client.server_capabilities or {}
  if not caps.completionProvider then
    skip("the server does not offer completionProvider yet (SPEC §6: completion after `[[`); "
      .. "this test runs by itself once it does")
  end
  local scratch = SEEDS .. "/nvim-test-completion-" .. vim.fn.getpid() .. ".scholia"
  check(not uv.fs_stat(scratch), "no file " .. scratch, "it exists")
  local buf = open(scratch) -- a new buffer in the workspace, never written
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { "Met [[" })
  local ok, result = pcall(request, buf, "textDocument/completion", 0, 6)
  vim.cmd("bwipeout! " .. buf)
  vim.api.nvim_set_current_buf(conv)
  check(ok, "a completion answer", result)
  local items = result and (result.items or result) or {}
  check(#items > 0, "completion items", result)
  -- An entry is listed when an item's label, filterText, insertText or
  -- edit holds its id or name as a whole word (`un` is not listed by
  -- `un-general-assembly`).
  local function has_word(field, word)
    local init = 1
    while field and word do
      local s, e = field:find(word, init, true)
      if not s then
        return false
      end
      local before, after = field:sub(s - 1, s - 1), field:sub(e + 1, e + 1)
      if s == 1 then
        before = ""
      end
      if not before:match("[%w-]") and not after:match("[%w-]") then
        return true
      end
      init = s + 1
    end
    return false
  end
  local function names(field, e)
    return has_word(field, e.id) or has_word(field, e.name)
  end
  local function listed(e)
    for _, item in ipairs(items) do
      local edit = item.textEdit and item.textEdit.newText
      for _, field in ipairs({ item.label, item.filterText, item.insertText, edit }) do
        if names(field, e) then
          return true
        end
      end
    end
    return false
  end
  local entries = registry_entries()
  local missing = {}
  for _, e in ipairs(entries) do
    if not listed(e) then
      missing[#missing + 1] = e.id
    end
  end
  if result.isIncomplete then
    check(#missing < #entries, "registry entries among the items (incomplete list)", items)
  else
    check(#missing == 0, "every registry entry (" .. #entries .. ") among the items", { missing = missing })
  end
end)

-- The translation report ------------------------------------------------------------

do
  local TRANSLATORS = REPO .. "/tests/fixtures/translators"
  local translation = open(TRANSLATORS .. "/en/conversation.scholia")
  local source_win = vim.api.nvim_get_current_win()

  --- The scratch buffer showing a report, if one is open.
  local function report_buffer()
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.b[b].scholia_report_name ~= nil and vim.api.nvim_buf_is_loaded(b) then
        return b
      end
    end
  end
  local function close_reports()
    local b = report_buffer()
    while b do
      vim.api.nvim_buf_delete(b, { force = true })
      b = report_buffer()
    end
    vim.api.nvim_set_current_win(source_win)
  end

  -- What the CLI prints for the same translation (paths relative to the
  -- workspace root, as the server gives them), without its final summary.
  local cli = vim.system({ BIN, "check", "--translations", "en/conversation.scholia" }, { cwd = TRANSLATORS, text = true }):wait(30000)
  local cli_lines = vim.split(cli.stdout or "", "\n", { plain = true })

  test(":ScholiaTranslationReport shows the server's report in a scratch buffer", function()
    check(client_of(translation) ~= nil, "a client for " .. TRANSLATORS, "none")
    vim.cmd("ScholiaTranslationReport")
    wait(report_buffer)
    local b = report_buffer()
    check(b ~= nil, "a report buffer", vim.tbl_map(vim.api.nvim_buf_get_name, vim.api.nvim_list_bufs()))
    check(vim.fn.bufwinid(b) ~= -1, "shown in a window", "hidden")
    check(vim.bo[b].buftype == "nofile" and not vim.bo[b].modifiable, "a read-only scratch buffer", {
      buftype = vim.bo[b].buftype,
      modifiable = vim.bo[b].modifiable,
    })
    local lines = vim.api.nvim_buf_get_lines(b, 0, -1, false)
    check(#lines > 10, "the report's table", lines)
    check(lines[1] == "translation en/conversation.scholia (en)", "its first line names the translation", lines[1])
    check(
      vim.deep_equal(lines, vim.list_slice(cli_lines, 1, #lines)),
      "the lines `scholia check --translations` prints",
      { buffer = lines, cli = cli_lines }
    )
    check(vim.tbl_contains(lines, "4 differences:"), "the 4 differences of the fixture", lines)
  end)

  test("the code lens 'Compare with the original' runs the command and shows its report", function()
    close_reports()
    local client = client_of(translation)
    vim.lsp.codelens.refresh({ bufnr = translation })
    wait(function()
      return #vim.lsp.codelens.get(translation) > 0
    end)
    local lenses = vim.lsp.codelens.get(translation)
    check(#lenses == 1 and lenses[1].command ~= nil, "one code lens with a command", lenses)
    check(lenses[1].command.title:find("Compare with the original", 1, true) ~= nil, "Compare with the original …", lenses[1].command)
    client:exec_cmd(lenses[1].command, { bufnr = translation })
    wait(report_buffer)
    local b = report_buffer()
    check(b ~= nil, "a report buffer after running the lens", "none")
    local lines = vim.api.nvim_buf_get_lines(b, 0, -1, false)
    check(vim.deep_equal(lines, vim.list_slice(cli_lines, 1, #lines)) and #lines > 10, "the same report", lines)
  end)

  test("on a document that translates nothing: a notification, no report buffer", function()
    close_reports()
    vim.api.nvim_set_current_buf(conv)
    local before = #notifications
    vim.cmd("ScholiaTranslationReport")
    wait(function()
      return #notifications > before
    end)
    check(report_buffer() == nil, "no report buffer", report_buffer())
    local last = notifications[#notifications]
    check(last ~= nil and last.msg:find("no translation", 1, true) ~= nil, "“… is no translation …”", last)
  end)
  close_reports()
  vim.api.nvim_set_current_buf(conv)
end

-- Export to TEI ----------------------------------------------------------------------

do
  -- A copy of the seeds: the export writes into the workspace's export/.
  local tmp = vim.fn.tempname()
  vim.fn.mkdir(tmp, "p")
  vim.system({ "cp", "-R", SEEDS, tmp .. "/ws" }):wait()
  local ws = realpath(tmp .. "/ws")
  local name = "1952-09-14-zhou-to-mao"
  local doc = open(ws .. "/" .. name .. ".scholia")
  local xml, register = ws .. "/export/" .. name .. ".xml", ws .. "/export/register.xml"
  -- Unsaved text: the export is of what the buffer holds.
  vim.api.nvim_buf_set_lines(doc, -1, -1, false, { "", "Unsaved: [[zhou-enlai|Zhou]] [@zhou-wengao-7, p. 3]." })

  local function exported()
    local a, b = read(xml), read(register)
    return a ~= nil and a:find("</TEI>", 1, true) ~= nil and b ~= nil and b:find("</TEI>", 1, true) ~= nil
  end
  --- What `scholia export --format tei` writes for the document as saved.
  local function cli_export()
    local out = tmp .. "/cli"
    vim.fn.delete(out, "rf")
    local res = vim.system({ BIN, "export", "--format", "tei", "--out", out, ws .. "/" .. name .. ".scholia" }, { text = true }):wait(30000)
    return res.code, read(out .. "/" .. name .. ".xml"), read(out .. "/register.xml")
  end

  test(":ScholiaExportTei writes the document's TEI and register.xml into export/ (applied by Neovim, then saved)", function()
    check(client_of(doc) ~= nil, "a client for " .. ws, "none")
    vim.cmd("ScholiaExportTei")
    wait(exported)
    check(exported(), "export/" .. name .. ".xml and export/register.xml with TEI on disk", { read(xml), read(register) })
    local text = read(xml)
    check(text:find("<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"", 1, true) ~= nil, "a TEI document", text:sub(1, 200))
    check(text:find("Unsaved: <persName", 1, true) ~= nil, "the buffer's unsaved text, exported", text:sub(-400))
    -- The same bytes as the CLI's export of that text.
    vim.api.nvim_buf_call(doc, function()
      vim.cmd("silent write")
    end)
    local code, cli_xml, cli_register = cli_export()
    check(code == 0 and cli_xml ~= nil, "scholia export ran", code)
    check(text == cli_xml, "the CLI's export of the document", { editor = #text, cli = cli_xml and #cli_xml })
    check(read(register) == cli_register, "the CLI's register.xml", #(read(register) or ""))
  end)

  test("exporting again replaces the files (a loaded export buffer included)", function()
    vim.api.nvim_set_current_buf(doc)
    vim.api.nvim_buf_set_lines(doc, -1, -1, false, { "", "A second paragraph." })
    local paths, err
    require("scholia").export_tei(doc, function(p, e)
      paths, err = p or {}, e
    end)
    wait(function()
      return paths ~= nil
    end)
    check(err == nil and paths ~= nil and #paths == 2, "two files written", { paths = paths, err = err })
    vim.api.nvim_buf_call(doc, function()
      vim.cmd("silent write")
    end)
    local _, cli_xml = cli_export()
    local text = read(xml)
    check(text ~= nil and text:find("A second paragraph.", 1, true) ~= nil, "the new text", text and text:sub(-300))
    check(text == cli_xml, "exactly the CLI's export (replaced, not appended)", { editor = text and #text, cli = cli_xml and #cli_xml })
  end)
  vim.api.nvim_set_current_buf(conv)
  vim.fn.delete(tmp, "rf")
end

-- Tree-sitter --------------------------------------------------------------------

test("tree-sitter highlighting is active in the buffer", function()
  check(vim.treesitter.highlighter.active[conv] ~= nil, "highlighter.active[buf] ~= nil", "nil")
end)

test("a mention has the capture @markup.link.label from our queries", function()
  local row, col = find_in_buf(conv, "[[stalin|")
  local names = captures_at(conv, row, col + 3)
  check(vim.tbl_contains(names, "markup.link.label"), "markup.link.label at " .. row .. ":" .. (col + 3), names)
end)

test("a footnote reference has the capture @markup.link", function()
  local row, col = find_in_buf(report, "[^1]", function(_, s)
    return s > 1
  end)
  local names = captures_at(report, row, col + 1)
  check(vim.tbl_contains(names, "markup.link"), "markup.link at " .. tostring(row) .. ":" .. tostring(col), names)
end)

test("the front matter fence has the capture @keyword.directive", function()
  local names = captures_at(conv, 0, 0)
  check(vim.tbl_contains(names, "keyword.directive"), "keyword.directive at 0:0", names)
end)

-- :checkhealth -----------------------------------------------------------------

test(":ScholiaPreview writes the reading-edition page of the buffer's current text", function()
  check(vim.fn.exists(":ScholiaPreview") == 2, "the command exists", vim.fn.exists(":ScholiaPreview"))
  local preview = require("scholia.preview")
  -- An unsaved edit shows in the page.
  vim.api.nvim_buf_set_lines(conv, -1, -1, false, { "", "Unsaved words by [[Mao Zedong]]." })
  local written
  wait(function()
    return #vim.lsp.get_clients({ bufnr = conv, name = "scholia" }) > 0
  end)
  vim.wait(300)
  preview.open(conv, { open = false, on_written = function(p) written = p end })
  wait(function()
    return written ~= nil
  end)
  check(written ~= nil, "the preview file written", written)
  local html = read(written) or ""
  check(html:find("<!DOCTYPE html>", 1, true) == 1, "an HTML page", html:sub(1, 200))
  check(html:find("Unsaved words by <span class=\"mention person\"", 1, true) ~= nil, "the unsaved text rendered", html:sub(-1500))
  vim.cmd("silent! undo")
  vim.api.nvim_buf_call(conv, function()
    vim.cmd("silent! edit!")
  end)
end)

test(":checkhealth scholia runs and reports binary, parser and queries OK", function()
  local ok, err = pcall(vim.cmd, "silent checkhealth scholia")
  check(ok, "no error", err)
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local text = table.concat(lines, "\n")
  vim.cmd("bwipeout!")
  local function line_with(...)
    for _, l in ipairs(lines) do
      local all = true
      for _, s in ipairs({ ... }) do
        all = all and l:find(s, 1, true) ~= nil
      end
      if all then
        return l
      end
    end
  end
  check(text:find("scholia", 1, true) ~= nil, "a report about scholia", text)
  check(not text:find("ERROR", 1, true), "no ERROR", text)
  check(line_with("OK", "scholia 0.") or line_with("OK", vim.fn.exepath(BIN)), "OK for the binary and its --version", text)
  check(line_with("OK", "parser loads"), "OK: parser loads", text)
  check(line_with("OK", "parser built automatically on first use"), "OK: parser built automatically on first use", text)
  check(line_with("OK", "highlights query"), "OK: highlights query", text)
  check(line_with("Neovim " .. tostring(vim.version()):match("^[%d.]+")), "the Neovim version", text)
end)

-- Installs, each in a second Neovim ------------------------------------------------

--- Runs a second Neovim with its own XDG directories; each
--- "STATUS<TAB>name<TAB>detail" line it prints is one test.
local function run_child(title, args, prepare, extra_env)
  local tmp = vim.fn.tempname()
  vim.fn.mkdir(tmp, "p")
  if prepare then
    prepare(tmp)
  end
  local env = vim.tbl_extend("force", extra_env and extra_env(tmp) or {}, {
    XDG_DATA_HOME = tmp .. "/data",
    XDG_CONFIG_HOME = tmp .. "/config",
    XDG_STATE_HOME = tmp .. "/state",
    XDG_CACHE_HOME = tmp .. "/cache",
    SCHOLIA_BIN = BIN,
    SCHOLIA_SEEDS = SEEDS,
  })
  local cmd = { vim.v.progpath, "--headless" }
  vim.list_extend(cmd, args)
  local res = vim.system(cmd, { env = env, text = true, cwd = REPO }):wait(90000)
  local any = false
  for line in (res.stdout or ""):gmatch("[^\n]+") do
    local status, name, detail = line:match("^(%u+)\t([^\t]*)\t?(.*)$")
    if status then
      any = true
      test(title .. ": " .. name, function()
        if status == "SKIP" then
          skip(detail)
        end
        check(status == "OK", name, detail)
      end)
    end
  end
  test(title .. ": the second Neovim ran to the end", function()
    check(any and res.code == 0, "exit 0 with results", { code = res.code, stdout = res.stdout, stderr = res.stderr })
  end)
  vim.fn.delete(tmp, "rf")
end

-- pack/scholia/start/scholia -> editors/nvim, no config at all.
run_child("packpath install", { "-u", "NORC", "-i", "NONE", "-l", TEST_DIR .. "/packpath_child.lua" }, function(tmp)
  local pack = tmp .. "/data/nvim/site/pack/scholia/start"
  vim.fn.mkdir(pack, "p")
  uv.fs_symlink(realpath(PLUGIN_DIR), pack .. "/scholia")
end)

-- The plugin loaded on the first FileType, as lazy.nvim's `ft` does.
run_child("loaded on FileType", { "--clean", "-i", "NONE", "-u", TEST_DIR .. "/lateload_child.lua", SEED_CONVERSATION })

-- No C compiler: a copy of the plugin folder without a parser, and a PATH with
-- no cc, gcc or clang.
run_child("no C compiler", { "--clean", "-i", "NONE", "-u", TEST_DIR .. "/nocompiler_child.lua", SEED_CONVERSATION }, function(tmp)
  local copy = tmp .. "/plugin"
  vim.fn.mkdir(copy, "p")
  for _, dir in ipairs({ "lua", "plugin", "ftdetect", "lsp", "queries", "scripts" }) do
    vim.system({ "cp", "-R", PLUGIN_DIR .. "/" .. dir, copy .. "/" .. dir }):wait()
  end
  vim.fn.mkdir(tmp .. "/empty-bin", "p")
end, function(tmp)
  return { SCHOLIA_PLUGIN_COPY = tmp .. "/plugin", PATH = tmp .. "/empty-bin", CC = tmp .. "/no-such-cc" }
end)

-- Done -------------------------------------------------------------------------

for _, c in ipairs(vim.lsp.get_clients()) do
  c:stop()
end
wait(function()
  return #vim.lsp.get_clients() == 0
end, 3000)

out(("%d passed, %d failed, %d skipped"):format(counts.passed, counts.failed, counts.skipped))
os.exit(counts.failed == 0 and 0 or 1)
