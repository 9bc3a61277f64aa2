;;; scholia-mode.el --- Major mode and eglot setup for scholia documents  -*- lexical-binding: t; -*-

;; Author: the scholia authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1") (eglot "1.9"))
;; Keywords: languages, wp, tools

;; This file is not part of GNU Emacs.

;;; Commentary:

;; Editing annotated translations of archival documents (`.scholia'
;; files: TOML front matter, `[[entity]]' mentions, `[^1]' footnotes,
;; `[@key, locator]' citations, `[...]' editorial insertions) with the
;; `scholia' language server.
;;
;; - `scholia-mode': highlighting of its own (eglot ignores the server's
;;   semantic tokens), brackets that pair, imenu without a server.
;; - `scholia-ts-mode' (Emacs 29 and later): the same with the
;;   tree-sitter grammar of the repository, once `scholia-install-grammar'
;;   has compiled it.
;; - eglot starts `scholia lsp' (`scholia-server-path') with the project
;;   root at the nearest `scholia.toml', not at the version-control root.
;; - `scholia-translation-report' shows how a translation differs from
;;   its original; `scholia-export-tei' (C-c C-e) writes the document's
;;   TEI and register.xml into the workspace's export folder (the server's
;;   `scholia.exportTei', whose edit is applied in Lisp: eglot 1.9 cannot
;;   create files), and `scholia-preview' opens the reading-edition page.
;;
;; Setup:
;;
;;   (use-package scholia-mode
;;     :load-path "~/src/scholia/editors/emacs"
;;     :hook (scholia-mode . eglot-ensure))

;;; Code:

(require 'project)
(require 'seq)
(require 'subr-x)

(declare-function eglot-current-server "eglot" ())
(declare-function eglot-execute-command "eglot" (server command arguments))
(declare-function eglot--capabilities "eglot" (server))
(declare-function eglot--apply-workspace-edit "eglot" (wedit &optional confirm))
(declare-function treesit-ready-p "treesit" (language &optional quiet))
(declare-function treesit-parser-create "treesit" (language &optional buffer no-reuse))
(declare-function treesit-font-lock-rules "treesit" (&rest query-specs))
(declare-function treesit-major-mode-setup "treesit" ())
(defvar eglot-server-programs)
(defvar treesit-font-lock-settings)
(defvar treesit-font-lock-feature-list)
(defvar treesit-extra-load-path)
(defvar major-mode-remap-alist)

(defgroup scholia nil
  "Annotated translations of archival documents."
  :group 'languages
  :prefix "scholia-")

(defcustom scholia-server-path "scholia"
  "The `scholia' program: a name looked up in `exec-path', or a file name."
  :type 'string)

(defcustom scholia-server-args '("lsp")
  "Arguments that start the language server."
  :type '(repeat string))

(defcustom scholia-lint nil
  "Severities for diagnostic codes, sent as `initializationOptions.lint'.
An alist of (CODE . LEVEL), e.g. ((\"unclosed-bracket\" . \"warning\")).
A workspace's `[lint]' table in `scholia.toml' takes precedence."
  :type '(alist :key-type string
                :value-type (choice (const "error") (const "warning")
                                    (const "info") (const "hint")
                                    (const "off"))))

(defcustom scholia-prefer-treesit t
  "When non-nil, open documents in `scholia-ts-mode' where it works.
That is on Emacs 29 and later, once the grammar is installed
\(`scholia-install-grammar')."
  :type 'boolean)

(defcustom scholia-export-tei-command "scholia.exportTei"
  "The server's command that exports the current document to TEI."
  :type 'string)

(defcustom scholia-preview-command "scholia.preview"
  "The server's command that renders the current document as a page."
  :type 'string)

;;;; Faces

(defface scholia-front-matter-fence '((t :inherit font-lock-preprocessor-face))
  "The `+++' lines around the front matter.")

(defface scholia-front-matter-key '((t :inherit font-lock-variable-name-face))
  "A key of the front matter.")

(defface scholia-heading '((t :inherit font-lock-function-name-face :weight bold))
  "A heading.")

(defface scholia-heading-marker '((t :inherit font-lock-keyword-face))
  "The `#' signs of a heading.")

(defface scholia-mention '((t :inherit font-lock-constant-face))
  "A mention `[[target|display]]'.")

(defface scholia-mention-display '((t :inherit font-lock-type-face))
  "The display text of a mention.")

(defface scholia-citation '((t :inherit font-lock-string-face))
  "A citation `[@key, locator]'.")

(defface scholia-footnote '((t :inherit font-lock-keyword-face))
  "A footnote reference `[^1]' or the `[^1]:' of a definition.")

(defface scholia-insertion '((t :inherit font-lock-doc-face))
  "An editorial insertion `[...]'.")

(defface scholia-escape '((t :inherit font-lock-builtin-face))
  "An escape: `\\[', `\\]' or `\\\\'.")

(defface scholia-link '((t :inherit link))
  "A Markdown link `[text](url)'.")

;;;; Syntax

(defvar scholia-mode-syntax-table
  (let ((table (make-syntax-table text-mode-syntax-table)))
    ;; Brackets pair (`[[', `[@', `[^' and insertions): electric-pair-mode
    ;; closes them and show-paren-mode matches them.
    (modify-syntax-entry ?\[ "(]" table)
    (modify-syntax-entry ?\] ")[" table)
    (modify-syntax-entry ?\\ "\\" table)
    ;; Ids and keys are symbols: `zhou-enlai', `aprf-45-1-343', `a_b'.
    (modify-syntax-entry ?- "_" table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?| "." table)
    (modify-syntax-entry ?\" "." table)
    (modify-syntax-entry ?# "." table)
    table)
  "Syntax table of `scholia-mode'.
The format has no comments (a `#' starts a heading), so no character
starts one; TOML comments in the front matter are highlighted as such.")

(defvar-local scholia--front-matter-cache nil
  "(TICK . END): `scholia--front-matter-end' at `buffer-chars-modified-tick' TICK.")

(defun scholia--front-matter-end ()
  "The end of the front matter (after its closing `+++' line), or nil.
Computed once per change of the buffer: font-lock asks for every match."
  (let ((tick (buffer-chars-modified-tick)))
    (if (eq (car scholia--front-matter-cache) tick)
        (cdr scholia--front-matter-cache)
      (let ((end (save-match-data
                   (save-excursion
                     (save-restriction
                       (widen)
                       (goto-char (point-min))
                       (when (looking-at "\uFEFF?\\+\\+\\+[ \t]*$")
                         (forward-line 1)
                         (when (re-search-forward "^\\+\\+\\+[ \t]*$" nil t)
                           (line-end-position))))))))
        (setq scholia--front-matter-cache (cons tick end))
        end))))

(defun scholia--in-front-matter-p (pos)
  "Non-nil when POS is inside the front matter."
  (let ((end (scholia--front-matter-end)))
    (and end (<= pos end))))

(defun scholia--escaped-p (pos)
  "Non-nil when the character at POS follows an odd run of backslashes."
  (save-excursion
    (goto-char pos)
    (= (mod (skip-chars-backward "\\\\") 2) 1)))

(defun scholia--matcher (regexp where)
  "A font-lock matcher for REGEXP where WHERE holds.
WHERE is `body' or `front-matter'; a match whose first character is
escaped does not count."
  (lambda (limit)
    (let (found)
      (while (and (not found) (re-search-forward regexp limit t))
        (let ((start (match-beginning 0)))
          (when (and (eq (eq where 'front-matter)
                         (and (scholia--in-front-matter-p start) t))
                     (not (scholia--escaped-p start)))
            (setq found t))))
      found)))

(defun scholia--match-insertion (limit)
  "Font-lock matcher of an editorial insertion `[...]' before LIMIT.
Brackets that open a mention, a citation, a footnote or a link, and
escaped brackets, are not insertions."
  (let (found)
    (while (and (not found)
                (re-search-forward "\\[\\([^][\n]*\\)\\]" limit t))
      (let ((start (match-beginning 0))
            (end (match-end 0)))
        (unless (or (scholia--escaped-p start)
                    (eq (char-before start) ?\[)
                    (eq (char-after end) ?\])
                    (eq (char-after end) ?\()
                    (memq (char-after (1+ start)) '(?@ ?^))
                    (scholia--in-front-matter-p start))
          (setq found t))))
    found))

(defconst scholia--label "[A-Za-z0-9_-]+"
  "A footnote label.")

(defvar scholia-font-lock-keywords
  `(;; Front matter.
    (,(scholia--matcher "^\\+\\+\\+[ \t]*$" 'front-matter)
     (0 'scholia-front-matter-fence))
    (,(scholia--matcher "^[ \t]*\\([A-Za-z0-9_-]+\\)[ \t]*=" 'front-matter)
     (1 'scholia-front-matter-key))
    (,(scholia--matcher "^[ \t]*#.*$" 'front-matter)
     (0 font-lock-comment-face t))
    ;; Editorial insertions first: what they hold is coloured over them.
    (scholia--match-insertion (0 'scholia-insertion))
    ;; Headings.
    (,(scholia--matcher "^\\(#\\{1,6\\}\\)[ \t]+\\(.*\\)$" 'body)
     (1 'scholia-heading-marker t)
     (2 'scholia-heading t))
    ;; Footnote definitions and references.
    (,(scholia--matcher (concat "^\\[\\^" scholia--label "\\]:") 'body)
     (0 'scholia-footnote t))
    (,(scholia--matcher (concat "\\[\\^" scholia--label "\\]") 'body)
     (0 'scholia-footnote t))
    ;; Citations (also in the front matter's `source').
    ("\\[@[^]\n]*\\]" (0 'scholia-citation t))
    ;; Mentions: the target, then the display text.
    (,(scholia--matcher "\\[\\[\\([^]|[\n]+\\)\\(?:|\\([^]\n]*\\)\\)?\\]\\]" 'body)
     (0 'scholia-mention t)
     (2 'scholia-mention-display t t))
    ;; Markdown links.
    (,(scholia--matcher "\\[[^][\n]*\\]([^)\n]*)" 'body)
     (0 'scholia-link t))
    ;; Escapes.
    ("\\\\[][\\]" (0 'scholia-escape t)))
  "Highlighting of `scholia-mode'.")

(defvar scholia-imenu-generic-expression
  `(("Footnotes" ,(concat "^\\(\\[\\^" scholia--label "\\]\\):") 1)
    (nil "^#\\{1,6\\}[ \t]+\\(.+\\)$" 1))
  "Headings and footnote definitions, for imenu without a server.")

;;;; Project root: the nearest scholia.toml

(defun scholia--project-find (dir)
  "The scholia workspace holding DIR: the nearest `scholia.toml' above it."
  (when-let ((root (locate-dominating-file dir "scholia.toml")))
    (cons 'scholia (file-name-as-directory (expand-file-name root)))))

(cl-defmethod project-root ((project (head scholia)))
  "The root of a scholia workspace PROJECT: its `scholia.toml' folder."
  (cdr project))

;;;; eglot

(defun scholia--initialization-options ()
  "The `initializationOptions' sent to the server."
  (if scholia-lint
      (list :lint (let (plist)
                    (dolist (pair (reverse scholia-lint) plist)
                      (setq plist (cons (intern (concat ":" (car pair)))
                                        (cons (cdr pair) plist))))))
    (make-hash-table)))

(defun scholia-server-contact (&optional _interactive)
  "How eglot starts the server: `scholia-server-path' `scholia-server-args'."
  (append (list scholia-server-path)
          scholia-server-args
          (list :initializationOptions (scholia--initialization-options))))

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((scholia-mode scholia-ts-mode) . scholia-server-contact)))

(defun scholia--server ()
  "The eglot server of the current buffer, or an error saying how to start it."
  (or (and (fboundp 'eglot-current-server) (eglot-current-server))
      (user-error "No scholia server for this buffer: run M-x eglot")))

(defun scholia--server-commands (server)
  "The commands SERVER offers (`executeCommandProvider')."
  (append (plist-get (plist-get (eglot--capabilities server)
                                :executeCommandProvider)
                     :commands)
          nil))

(defun scholia--execute (command &rest arguments)
  "Run the server's COMMAND with ARGUMENTS; its answer.
An error when the server does not offer COMMAND."
  (let ((server (scholia--server)))
    (unless (member command (scholia--server-commands server))
      (user-error "This scholia server does not offer `%s' (a newer one may)"
                  command))
    ;; The server answers from the text it has: send what was typed since.
    (when (fboundp 'eglot--signal-textDocument/didChange)
      (funcall 'eglot--signal-textDocument/didChange))
    (eglot-execute-command server command (vconcat arguments))))

(defun scholia--uri ()
  "The URI of the current buffer's file."
  (unless buffer-file-name
    (user-error "This buffer visits no file"))
  ;; `eglot-path-to-uri' from eglot 1.16 on, `eglot--path-to-uri' before.
  (funcall (if (fboundp 'eglot-path-to-uri) 'eglot-path-to-uri 'eglot--path-to-uri)
           buffer-file-name))

(defun scholia-translation-report ()
  "Show how this translation differs from its original.
Runs the server's `scholia.translationReport' command."
  (interactive)
  (let ((report (scholia--execute "scholia.translationReport" (scholia--uri))))
    (unless report
      (user-error "This document is not a translation (no `translation-of')"))
    (with-current-buffer (get-buffer-create "*scholia translation report*")
      (let ((inhibit-read-only t))
        (erase-buffer)
        (insert (or (plist-get report :text) (format "%S" report)))
        (goto-char (point-min))
        (special-mode))
      (display-buffer (current-buffer))
      (current-buffer))))

;; ---------------------------------------------------------------------
;; Export to TEI and preview: commands other parts of scholia add to the
;; server.  They run when the server lists them among its commands
;; (`scholia-export-tei-command', `scholia-preview-command'), and say so
;; when it does not.
;; ---------------------------------------------------------------------

(defun scholia--uri-to-path (uri)
  "The file name of URI, with eglot's function of this version."
  (funcall (if (fboundp 'eglot-uri-to-path) 'eglot-uri-to-path 'eglot--uri-to-path) uri))

(defun scholia--write-file (path text)
  "Make PATH hold TEXT (UTF-8, LF), through its buffer when one visits it."
  (let ((buf (find-buffer-visiting path))
        (coding-system-for-write 'utf-8-unix))
    (if buf
        (with-current-buffer buf
          (let ((inhibit-read-only t))
            (erase-buffer)
            (insert text)
            (setq buffer-file-coding-system 'utf-8-unix)
            (save-buffer)))
      (with-temp-file path
        (setq buffer-file-coding-system 'utf-8-unix)
        (insert text)))))

(defun scholia--apply-file-edit (edit)
  "Apply the workspace EDIT of the server's TEI export; the files written.
EDIT's `documentChanges' are `create' operations and text edits that
replace a file's whole text, which eglot 1.9 cannot apply (it knows no
`CreateFile'), so they are applied here: the folder is made, and the
file is written (its buffer, if one visits it, is replaced and saved)."
  (let (written)
    (seq-doseq (change (plist-get edit :documentChanges))
      (pcase (plist-get change :kind)
        ("create"
         (make-directory (file-name-directory (scholia--uri-to-path (plist-get change :uri))) t))
        ('nil
         (let* ((path (scholia--uri-to-path (plist-get (plist-get change :textDocument) :uri)))
                (edits (plist-get change :edits)))
           (unless (= (length edits) 1)
             (error "Unexpected export edit of %s: %S" path edits))
           (make-directory (file-name-directory path) t)
           (scholia--write-file path (plist-get (aref edits 0) :newText))
           (push path written)))
        (kind (error "Unexpected operation `%s' in the export's edit" kind))))
    (nreverse written)))

(defun scholia-export-tei ()
  "Export this document to TEI, as `scholia export --format tei' does.
The document's .xml and register.xml go to the workspace's export
folder (`[export] dir' of scholia.toml, default export/), made from the
text of this buffer, saved or not.  The server computes them and answers
with the workspace edit (`returnEdit'; it writes no file itself), which
is applied here.  Returns the files written."
  (interactive)
  (let* ((answer (scholia--execute scholia-export-tei-command
                                   (list :uri (scholia--uri) :returnEdit t)))
         (edit (and (listp answer) (plist-get answer :edit))))
    (unless edit
      (user-error "The server answered no export"))
    (let ((files (scholia--apply-file-edit edit)))
      (message "Exported to TEI: %s" (mapconcat #'file-relative-name files ", "))
      files)))

(defun scholia-preview ()
  "Render this document as its reading-edition page and open it in a browser."
  (interactive)
  (let* ((answer (scholia--execute scholia-preview-command (scholia--uri)))
         (html (cond ((stringp answer) answer)
                     ((listp answer) (plist-get answer :html))))
         (file (expand-file-name "scholia-preview.html" temporary-file-directory)))
    (unless (stringp html)
      (user-error "The server answered no page"))
    (with-temp-file file
      (insert html))
    (browse-url-of-file file)))

;;;; Tree-sitter (Emacs 29 and later)

(defun scholia--grammar-source ()
  "The tree-sitter-scholia `src' folder beside this package, or nil."
  (let* ((here (file-name-directory (or load-file-name buffer-file-name
                                        (locate-library "scholia-mode")
                                        default-directory)))
         (src (expand-file-name "../tree-sitter-scholia/src" here)))
    (and (file-exists-p (expand-file-name "parser.c" src)) src)))

(defun scholia-install-grammar ()
  "Compile the repository's tree-sitter grammar for `scholia-ts-mode'.
Writes libtree-sitter-scholia to the `tree-sitter' folder of
`user-emacs-directory', with the C compiler `cc' (no network, no
tree-sitter CLI: the generated parser is in the repository)."
  (interactive)
  (let* ((src (or (scholia--grammar-source)
                  (user-error "The tree-sitter-scholia sources are not beside this package")))
         (dir (expand-file-name "tree-sitter" user-emacs-directory))
         (ext (if (eq system-type 'darwin) "dylib" "so"))
         (out (expand-file-name (concat "libtree-sitter-scholia." ext) dir)))
    (make-directory dir t)
    (let ((status (call-process "cc" nil "*scholia grammar*" nil
                                "-shared" "-fPIC" "-O2" "-I" src
                                "-o" out
                                (expand-file-name "parser.c" src)
                                (expand-file-name "scanner.c" src))))
      (unless (eq status 0)
        (pop-to-buffer "*scholia grammar*")
        (error "Compiling the grammar failed (cc exited with %s)" status)))
    (message "Installed %s" out)
    out))

(defun scholia--treesit-settings ()
  "Font-lock rules from the tree-sitter grammar's node names."
  (treesit-font-lock-rules
   :language 'scholia :feature 'front-matter
   '((front_matter_fence) @scholia-front-matter-fence)
   :language 'scholia :feature 'heading
   '((heading_marker) @scholia-heading-marker
     (heading) @scholia-heading)
   :language 'scholia :feature 'insertion
   '([(open_bracket) (close_bracket)] @scholia-insertion)
   :language 'scholia :feature 'reference :override t
   '([(footnote_reference) (footnote_definition_marker)] @scholia-footnote
     (citation) @scholia-citation
     (mention) @scholia-mention
     (link) @scholia-link)
   :language 'scholia :feature 'escape :override t
   '((escape) @scholia-escape)))

;;;; Modes

(defvar scholia-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "C-c C-r") #'scholia-translation-report)
    (define-key map (kbd "C-c C-e") #'scholia-export-tei)
    (define-key map (kbd "C-c C-p") #'scholia-preview)
    map)
  "Keymap of `scholia-mode'.")

;;;###autoload
(define-derived-mode scholia-mode text-mode "Scholia"
  "Major mode for scholia documents.
Highlights the front matter, headings, mentions, citations, footnotes,
insertions and escapes; `M-x eglot' starts the scholia server.

\\{scholia-mode-map}"
  :syntax-table scholia-mode-syntax-table
  (setq-local font-lock-defaults '(scholia-font-lock-keywords t))
  (setq-local font-lock-multiline nil)
  (setq-local comment-start "")
  (setq-local imenu-generic-expression scholia-imenu-generic-expression)
  ;; Completion finds entries by id, name or alias: matching what was typed
  ;; against them ignores case, as the server's own matching does.
  (setq-local completion-ignore-case t)
  (add-hook 'project-find-functions #'scholia--project-find nil t))

;;;###autoload
(define-derived-mode scholia-ts-mode scholia-mode "Scholia[ts]"
  "`scholia-mode' highlighted by the tree-sitter grammar (Emacs 29+).
Falls back to the regular expressions of `scholia-mode' when the
grammar is not installed (see `scholia-install-grammar')."
  (when (and (fboundp 'treesit-ready-p) (treesit-ready-p 'scholia t))
    (treesit-parser-create 'scholia)
    (setq-local treesit-font-lock-settings (scholia--treesit-settings))
    (setq-local treesit-font-lock-feature-list
                '((front-matter heading) (reference insertion escape) ()))
    (treesit-major-mode-setup)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.scholia\\'" . scholia-mode))

(when (and scholia-prefer-treesit
           (fboundp 'treesit-ready-p)
           (boundp 'major-mode-remap-alist)
           (treesit-ready-p 'scholia t))
  (add-to-list 'major-mode-remap-alist '(scholia-mode . scholia-ts-mode)))

(provide 'scholia-mode)
;;; scholia-mode.el ends here
