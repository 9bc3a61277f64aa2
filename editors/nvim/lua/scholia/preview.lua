-- :ScholiaPreview: the reading-edition page of the current document (the
-- server's `scholia.preview` command renders the text the buffer holds, saved
-- or not, as the site export does), written to a file and opened in the
-- system browser. The file is rewritten as the buffer changes; reloading the
-- browser shows the current text.
local M = {}

local function client_of(buf)
  for _, c in ipairs(vim.lsp.get_clients({ bufnr = buf, name = "scholia" })) do
    return c
  end
end

--- The file the preview of `buf` is written to.
function M.path(buf)
  local dir = vim.fn.stdpath("cache") .. "/scholia-preview"
  vim.fn.mkdir(dir, "p")
  local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ":t:r")
  if name == "" then
    name = "buffer-" .. buf
  end
  return dir .. "/" .. name:gsub("[^%w%-_.]", "_") .. ".html"
end

--- Renders `buf` into its preview file; `done(path_or_nil, err)` after.
function M.render(buf, done)
  local client = client_of(buf)
  if not client then
    done(nil, "the scholia server is not attached to this buffer")
    return
  end
  local params = { command = "scholia.preview", arguments = { vim.uri_from_bufnr(buf) } }
  client:request("workspace/executeCommand", params, function(err, result)
    if err or type(result) ~= "table" or type(result.html) ~= "string" then
      done(nil, err and err.message or "no preview for this document")
      return
    end
    local path = M.path(buf)
    local f, open_err = io.open(path, "w")
    if not f then
      done(nil, open_err)
      return
    end
    f:write(result.html)
    f:close()
    done(path)
  end, buf)
end

local watching = {}

--- Opens the preview of `buf` (0: current) in the system browser and keeps
--- its file up to date while the buffer changes. `opts.open = false` only
--- writes the file (for tests).
function M.open(buf, opts)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  opts = opts or {}
  M.render(buf, function(path, err)
    if not path then
      vim.notify("scholia: preview: " .. tostring(err), vim.log.levels.WARN)
      return
    end
    if opts.open ~= false then
      vim.ui.open(path)
    end
    if opts.on_written then
      opts.on_written(path)
    end
  end)
  if watching[buf] then
    return
  end
  watching[buf] = true
  local timer = vim.uv.new_timer()
  vim.api.nvim_create_autocmd({ "TextChanged", "TextChangedI" }, {
    buffer = buf,
    desc = "scholia: keep the preview file up to date",
    callback = function()
      timer:stop()
      timer:start(300, 0, vim.schedule_wrap(function()
        if vim.api.nvim_buf_is_valid(buf) then
          M.render(buf, function() end)
        end
      end))
    end,
  })
end

return M
