;;; scholia-test.el --- Tests of scholia-mode in batch Emacs with eglot  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run by test/run.sh:
;;
;;   emacs -Q --batch -L editors/emacs -l editors/emacs/test/scholia-test.el
;;
;; against the real server (SCHOLIA_BIN) and a copy of the seed workspace
;; inside a folder with a `.git' of its own (so that the project root is
;; seen to be the `scholia.toml' folder, not the version-control root).
;; Every check is one test; positions are found by searching the buffers,
;; never hard-coded.  The last line is "N passed, N failed"; the exit code
;; is 1 on failure.
;;
;; Batch Emacs never goes idle: eglot's change notifications go out on an
;; idle timer and flymake starts after a command, so the tests send
;; `didChange' (`eglot--signal-textDocument/didChange') and start flymake
;; themselves, and wait with `accept-process-output' under a deadline.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'eglot)
(require 'flymake)
(require 'xref)
(require 'imenu)
(require 'checkdoc)

(defconst scholia-test-dir (file-name-directory (or load-file-name buffer-file-name)))
(defconst scholia-test-package-dir (expand-file-name ".." scholia-test-dir))
(defconst scholia-test-repo (expand-file-name "../.." scholia-test-package-dir))
(defconst scholia-test-timeout
  (/ (string-to-number (or (getenv "SCHOLIA_TEST_TIMEOUT") "20000")) 1000.0))

(add-to-list 'load-path scholia-test-package-dir)
(require 'scholia-mode)

;;;; Harness

(defvar scholia-test-passed 0)
(defvar scholia-test-failed 0)

(defun scholia-test--check (ok expected got)
  "Unless OK, fail with EXPECTED and what was GOT."
  (unless ok
    (signal 'error (list (format "expected %s\n      got %S" expected got)))))

(defmacro scholia-test (name &rest body)
  "Run BODY as the test NAME; an error in it is a failure."
  (declare (indent 1))
  `(condition-case err
       (progn ,@body
              (setq scholia-test-passed (1+ scholia-test-passed))
              (princ (format "ok    %s\n" ,name)))
     (error
      (setq scholia-test-failed (1+ scholia-test-failed))
      (princ (format "FAIL  %s\n      %s\n" ,name (error-message-string err))))))

(defun scholia-test--wait (pred &optional seconds)
  "Wait until PRED holds, at most SECONDS (default the test timeout).
Starts flymake on every round: batch Emacs never runs its idle start."
  (let ((deadline (+ (float-time) (or seconds scholia-test-timeout)))
        value)
    (while (and (not (setq value (funcall pred)))
                (< (float-time) deadline))
      (when (bound-and-true-p flymake-mode) (flymake-start))
      (accept-process-output nil 0.05))
    value))

(defun scholia-test--changed ()
  "Send the buffer's pending changes, as eglot's idle timer would."
  (eglot--signal-textDocument/didChange))

(defun scholia-test--find (needle &optional pred)
  "Point at the start of NEEDLE in the buffer (first for which PRED holds)."
  (save-excursion
    (goto-char (point-min))
    (let (found)
      (while (and (not found) (search-forward needle nil t))
        (let ((start (match-beginning 0)))
          (when (or (null pred) (save-excursion (funcall pred start)))
            (setq found start))))
      found)))

(defun scholia-test--diags (code)
  "The flymake diagnostics of the buffer whose text names CODE."
  (cl-remove-if-not (lambda (d) (string-match-p (format "\\[%s\\]" (regexp-quote code))
                                                (flymake-diagnostic-text d)))
                    (flymake-diagnostics)))

(defun scholia-test--registry-entry (id)
  "The file and line (1-based) of the registry entry ID in the copy."
  (cl-loop for file in (directory-files (expand-file-name "registry" scholia-test-ws) t "\\.toml\\'")
           thereis (with-temp-buffer
                     (insert-file-contents file)
                     (when (re-search-forward (format "^\\[[a-z]+\\.%s\\]" (regexp-quote id)) nil t)
                       (list file (line-number-at-pos (match-beginning 0)))))))

;;;; The workspace: a copy of the seeds inside a "repository"

(defvar scholia-test-tmp (make-temp-file "scholia-emacs-test-" t))
(defvar scholia-test-ws (expand-file-name "repo/seeds/" scholia-test-tmp))
(make-directory (expand-file-name "repo/.git" scholia-test-tmp) t)
(copy-directory (expand-file-name "seeds" scholia-test-repo) scholia-test-ws nil t t)

(defconst scholia-test-conversation
  (expand-file-name "1952-09-19-stalin-zhou-conversation.scholia" scholia-test-ws))

(setq scholia-server-path (or (getenv "SCHOLIA_BIN")
                              (expand-file-name "target/release/scholia" scholia-test-repo)))
(setq scholia-lint '(("unclosed-bracket" . "warning")))
(setq eglot-sync-connect t
      eglot-autoshutdown nil
      eglot-events-buffer-size 200000
      ;; The tests ask for what they check; eldoc and other requests
      ;; started by timers would only interleave with them.
      eglot-ignored-server-capabilities '(:documentHighlightProvider))

;;;; The package itself

(scholia-test "the package byte-compiles without a warning"
  (let* ((dir (make-temp-file "scholia-elc-" t))
         (copy (expand-file-name "scholia-mode.el" dir))
         (byte-compile-error-on-warn t)
         (byte-compile-log-buffer "*scholia-compile-log*"))
    (copy-file (expand-file-name "scholia-mode.el" scholia-test-package-dir) copy)
    (let ((ok (byte-compile-file copy)))
      (scholia-test--check ok "byte-compile-file → t"
                           (with-current-buffer (get-buffer-create byte-compile-log-buffer)
                             (buffer-string))))
    (delete-directory dir t)))

(scholia-test "checkdoc finds nothing to say"
  (let ((checkdoc-diagnostic-buffer "*scholia-checkdoc*")
        (checkdoc-autofix-flag 'never))
    (when (get-buffer checkdoc-diagnostic-buffer) (kill-buffer checkdoc-diagnostic-buffer))
    (checkdoc-file (expand-file-name "scholia-mode.el" scholia-test-package-dir))
    (let ((out (if (get-buffer checkdoc-diagnostic-buffer)
                   (with-current-buffer checkdoc-diagnostic-buffer
                     (string-trim
                      (replace-regexp-in-string "^\\*\\*\\*.*\n?" "" (buffer-string))))
                 "")))
      (scholia-test--check (string-empty-p out) "no checkdoc warning" out))))

(scholia-test "scholia-pkg.el names the package and its requirements"
  (with-temp-buffer
    (insert-file-contents (expand-file-name "scholia-pkg.el" scholia-test-package-dir))
    (let ((form (read (current-buffer))))
      (scholia-test--check (and (eq (car form) 'define-package)
                                (equal (nth 1 form) "scholia")
                                (assq 'eglot (cadr (nth 4 form))))
                           "(define-package \"scholia\" … ((eglot …)))" form))))

;;;; The first document

(defvar scholia-test-conv (find-file-noselect scholia-test-conversation))
(set-buffer scholia-test-conv)

(scholia-test "a *.scholia file opens in scholia-mode"
  (scholia-test--check (eq major-mode 'scholia-mode) 'scholia-mode major-mode))

(scholia-test "font-lock: front matter, heading, mention, citation, footnote, insertion"
  (font-lock-ensure)
  (cl-flet ((face-at (pos) (let ((f (get-text-property pos 'face))) (if (listp f) f (list f)))))
    (dolist (case `(("+++" 0 scholia-front-matter-fence)
                    ("title =" 0 scholia-front-matter-key)
                    ("# Minutes" 2 scholia-heading)
                    ("[[stalin|" 3 scholia-mention)
                    ("[@" 2 scholia-citation)))
      (let ((at (scholia-test--find (car case))))
        (scholia-test--check at (format "`%s' in the seed" (car case)) nil)
        (scholia-test--check (memq (nth 2 case) (face-at (+ at (nth 1 case))))
                             (format "%s on `%s'" (nth 2 case) (car case))
                             (face-at (+ at (nth 1 case))))))
    (with-temp-buffer
      (scholia-mode)
      (insert "Text [sic] and \\[not one\\] here.[^1]\n\n[^1]: A note.\n")
      (font-lock-ensure)
      (scholia-test--check (memq 'scholia-insertion (face-at 7)) "scholia-insertion on [sic]" (face-at 7))
      (dolist (at (list (scholia-test--find "[^1]") (scholia-test--find "[^1]:" (lambda (s) (goto-char s) (bolp)))))
        (scholia-test--check (memq 'scholia-footnote (face-at (1+ at))) "scholia-footnote on [^1]" (face-at (1+ at))))
      (let ((esc (scholia-test--find "\\[")))
        (scholia-test--check (memq 'scholia-escape (face-at esc)) "scholia-escape on \\[" (face-at esc))
        (scholia-test--check (not (memq 'scholia-insertion (face-at (+ esc 3)))) "no insertion after \\["
                             (face-at (+ esc 3)))))))

(scholia-test "brackets pair: [[…]], [@…] and [^…] are balanced expressions"
  (with-temp-buffer
    (scholia-mode)
    (insert "[[zhou-enlai|Zhou]] [@key, 12] [^1] [sic]")
    (dolist (start '(1 21 32 37))
      (let ((end (scan-sexps start 1)))
        (scholia-test--check (and end (eq (char-before end) ?\]))
                             (format "a balanced expression from %d" start) end)))
    (goto-char 4)
    (scholia-test--check (equal (thing-at-point 'symbol t) "zhou-enlai") "the id `zhou-enlai' is one symbol"
                         (thing-at-point 'symbol t))))

(scholia-test "electric-pair-mode closes [[, [@ and [^ as they are typed"
  (dolist (case '(("[[" . "[[]]") ("[@" . "[@]") ("[^" . "[^]")))
    (with-temp-buffer
      (scholia-mode)
      (electric-pair-local-mode 1)
      (dolist (c (string-to-list (car case)))
        (let ((last-command-event c))
          (call-interactively #'self-insert-command)))
      (scholia-test--check (equal (buffer-string) (cdr case)) (cdr case) (buffer-string)))))

(scholia-test "imenu without a server: headings and footnote definitions"
  (with-temp-buffer
    (scholia-mode)
    (insert "+++\ntitle = \"T\"\n+++\n\n# Talks\n\nText.[^1]\n\n## Prisoners\n\n[^1]: A note.\n")
    (let* ((index (imenu--generic-function imenu-generic-expression))
           (names (mapcar (lambda (e) (if (consp (cdr e)) (cons (car e) (mapcar #'car (cdr e))) (car e)))
                          index)))
      (scholia-test--check (and (member "Talks" names) (member "Prisoners" names)
                                (member '("Footnotes" "[^1]") names))
                           "Talks, Prisoners and (Footnotes [^1])" names))))

(scholia-test "the project root is the scholia.toml folder, not the .git one"
  (let ((root (project-root (project-current))))
    (scholia-test--check (equal (file-truename root) (file-truename scholia-test-ws))
                         scholia-test-ws root)))

(scholia-test "scholia-ts-mode without a grammar (or tree-sitter) falls back to the regexps"
  (with-temp-buffer
    (scholia-ts-mode)
    (insert "[[zhou-enlai]] said [sic].\n")
    (font-lock-ensure)
    (scholia-test--check (and (eq major-mode 'scholia-ts-mode)
                              (memq 'scholia-mention (ensure-list (get-text-property 3 'face))))
                         "scholia-ts-mode with scholia-mention on the mention"
                         (list major-mode (get-text-property 3 'face)))))

(scholia-test "the front matter ends where its closing +++ is, as the text changes"
  (with-temp-buffer
    (scholia-mode)
    (insert "+++\ntitle = \"T\"\n+++\n# Heading\n")
    (let ((heading (scholia-test--find "# Heading")))
      (scholia-test--check (not (scholia--in-front-matter-p heading)) "the heading after the front matter" heading)
      (goto-char (point-min))
      (forward-line 2)
      (delete-region (point) (line-end-position))
      (scholia-test--check (null (scholia--front-matter-end)) "no front matter once its end is gone"
                           (scholia--front-matter-end)))))

;;;; eglot

;; A buffer with unsaved changes before the server starts: Emacs keeps its
;; lock `.#name.scholia' (a dangling link) in the workspace the server scans.
(defvar scholia-test-locked
  (find-file-noselect (expand-file-name "1952-09-14-zhou-to-mao.scholia" scholia-test-ws)))
(with-current-buffer scholia-test-locked
  (goto-char (point-max))
  (insert "\n"))
(defvar scholia-test-locks-at-start (directory-files scholia-test-ws nil "\\`\\.#"))

(apply #'eglot (eglot--guess-contact))
(defvar scholia-test-server (eglot-current-server))

(scholia-test "eglot starts `scholia lsp' for the buffer (eglot-server-programs)"
  (scholia-test--check scholia-test-server "an eglot server" nil)
  (let ((command (process-command (jsonrpc--process scholia-test-server))))
    (scholia-test--check (equal command (list scholia-server-path "lsp"))
                         (list scholia-server-path "lsp") command)))

(scholia-test "the server's workspace folder is seeds/ (scholia.toml)"
  (let ((root (project-root (eglot--project scholia-test-server))))
    (scholia-test--check (equal (file-truename root) (file-truename scholia-test-ws)) scholia-test-ws root)))

(scholia-test "diagnostics arrive in flymake, each from scholia"
  (let ((diags (scholia-test--wait #'flymake-diagnostics)))
    (scholia-test--check diags "at least one diagnostic" nil)
    (dolist (d diags)
      (scholia-test--check (string-prefix-p "scholia" (flymake-diagnostic-text d))
                           "text starting with scholia" (flymake-diagnostic-text d)))))

(scholia-test "unclosed-bracket on exactly the `[' of `[because the UN', as a warning (scholia-lint)"
  (let* ((at (scholia-test--find "[because the "))
         (hit (scholia-test--wait
               (lambda () (cl-find-if (lambda (d) (and (= (flymake-diagnostic-beg d) at)
                                                       (= (flymake-diagnostic-end d) (1+ at))))
                                      (scholia-test--diags "unclosed-bracket"))))))
    (scholia-test--check at "`[because the ' in the seed" nil)
    (scholia-test--check hit (format "unclosed-bracket at %d-%d" at (1+ at))
                         (mapcar (lambda (d) (list (flymake-diagnostic-beg d) (flymake-diagnostic-end d)))
                                 (scholia-test--diags "unclosed-bracket")))
    (scholia-test--check (eq (flymake-diagnostic-type hit) 'eglot-warning)
                         'eglot-warning (flymake-diagnostic-type hit))))

(scholia-test "an edit changes the diagnostics (CJK and emoji before the bracket), undone removes it"
  (let ((end (point-max)))
    (goto-char end)
    (insert "\n周恩来 said 🙂 é [unclosed insertion here\n")
    (scholia-test--changed)
    (let* ((at (scholia-test--find "[unclosed insertion"))
           (present (lambda () (cl-find-if (lambda (d) (= (flymake-diagnostic-beg d) at))
                                           (scholia-test--diags "unclosed-bracket")))))
      (scholia-test--check (scholia-test--wait present) (format "unclosed-bracket at %d" at)
                           (mapcar #'flymake-diagnostic-beg (scholia-test--diags "unclosed-bracket")))
      (delete-region end (point-max))
      (scholia-test--changed)
      (scholia-test--check (scholia-test--wait (lambda () (not (funcall present))))
                           "the diagnostic gone after the edit is removed"
                           (mapcar #'flymake-diagnostic-beg (scholia-test--diags "unclosed-bracket"))))))

(scholia-test "hover on a mention is plain text (no markdown-mode) with the entity's name"
  (let ((at (scholia-test--find "[[stalin|")))
    (goto-char (+ at 3))
    (let* ((hover (jsonrpc-request scholia-test-server :textDocument/hover
                                   (eglot--TextDocumentPositionParams)))
           (contents (plist-get hover :contents))
           (shown (eglot--hover-info contents (plist-get hover :range))))
      (scholia-test--check (equal (plist-get contents :kind) "plaintext") "kind plaintext" contents)
      (scholia-test--check (string-match-p "Joseph Stalin" shown) "a card naming Joseph Stalin" shown)
      (scholia-test--check (not (string-match-p "\\*\\*\\|`" shown)) "no ** or backticks" shown))))

(scholia-test "definition on a footnote reference [^1] jumps to its [^1]: line"
  (set-buffer scholia-test-locked)
  (let ((ref (scholia-test--find "[^1]" (lambda (s) (goto-char s) (not (bolp)))))
        (def (scholia-test--find "[^1]:" (lambda (s) (goto-char s) (bolp)))))
    (scholia-test--check (and ref def) "a reference and a definition of [^1]" (list ref def))
    (goto-char (1+ ref))
    (xref-find-definitions (xref-backend-identifier-at-point (xref-find-backend)))
    (scholia-test--check (and (eq (current-buffer) scholia-test-locked) (= (point) def))
                         (format "%s at %d" (buffer-file-name scholia-test-locked) def)
                         (list (buffer-file-name) (point))))
  (set-buffer scholia-test-conv))

(scholia-test "definition on a mention opens the registry file on the entity's line"
  (set-buffer scholia-test-conv)
  (let ((entry (scholia-test--registry-entry "stalin")))
    (goto-char (+ 3 (scholia-test--find "[[stalin|")))
    (xref-find-definitions (xref-backend-identifier-at-point (xref-find-backend)))
    (scholia-test--check (and (equal (file-truename (buffer-file-name)) (file-truename (car entry)))
                              (= (line-number-at-pos) (cadr entry)))
                         entry (list (buffer-file-name) (line-number-at-pos)))
    (set-buffer scholia-test-conv)))

(scholia-test "imenu lists the headings under a kind that reads as a section, not String"
  (set-buffer scholia-test-conv)
  (let* ((index (eglot-imenu))
         (groups (mapcar #'car index)))
    (scholia-test--check (not (member "String" groups)) "no group String" groups)
    (scholia-test--check (member "Module" groups) "a group Module" groups)))

;;;; Completion, as the user does it: `completion-at-point'

(defun scholia-test--complete (typed &optional candidates)
  "In a new unsaved document of the workspace, complete \"Met [[TYPED\".
Returns the buffer's text afterwards; with CANDIDATES, the candidates
the completion styles keep instead."
  (let ((buf (find-file-noselect (expand-file-name (format "emacs-completion-%d.scholia" (random 100000))
                                                   scholia-test-ws))))
    (unwind-protect
        (with-current-buffer buf
          (scholia-test--check (eglot-current-server) "eglot managing a new document" nil)
          (insert "Met [[" typed)
          (scholia-test--changed)
          (let* ((capf (eglot-completion-at-point))
                 (beg (nth 0 capf))
                 (end (nth 1 capf))
                 (table (nth 2 capf))
                 (probe (buffer-substring-no-properties beg end))
                 (metadata (completion-metadata probe table nil))
                 (all (completion-all-completions probe table nil (length probe) metadata))
                 (sorted (funcall (completion-metadata-get metadata 'display-sort-function)
                                  (cl-loop for tail on all while (consp tail) collect (car tail)))))
            (if candidates
                sorted
              (completion-at-point)
              (when (equal (buffer-substring-no-properties beg (point)) probe)
                ;; Several candidates: *Completions* was shown.  Choose the
                ;; first, as a user does there (`choose-completion').
                (completion--replace beg (point) (car sorted))
                (funcall (plist-get (nthcdr 3 capf) :exit-function) (car sorted) 'finished))
              (buffer-substring-no-properties (point-min) (point-max)))))
      (with-current-buffer buf (set-buffer-modified-p nil))
      (kill-buffer buf))))

(dolist (case '(("by id" "zhou-e" "Met [[zhou-enlai]]")
                ("by name" "Joseph" "Met [[stalin]]")
                ("by alias (chosen from the list)" "Filip" "Met [[stalin]]")))
  (scholia-test (format "completion after `[[' %s: `%s'" (car case) (nth 1 case))
    (let ((got (scholia-test--complete (nth 1 case))))
      (scholia-test--check (equal got (nth 2 case)) (nth 2 case) got))))

(scholia-test "completion candidates ignore case: `filip' lists Filippov"
  (let ((got (scholia-test--complete "filip" t)))
    (scholia-test--check (member "Filippov" got) "Filippov among the candidates" got)))

;;;; A quick fix

(scholia-test "a quick fix: `ll.' becomes `fols.' and its diagnostic goes"
  (set-buffer scholia-test-conv)
  (let* ((diag (scholia-test--wait (lambda () (car (scholia-test--diags "ambiguous-locator")))))
         (beg (and diag (flymake-diagnostic-beg diag))))
    (scholia-test--check diag "an ambiguous-locator diagnostic" (flymake-diagnostics))
    (eglot-code-actions beg (flymake-diagnostic-end diag) "quickfix" t)
    (scholia-test--check (scholia-test--find "fols. 97-103") "`fols. 97-103' in the front matter"
                         (buffer-substring (line-beginning-position) (line-end-position)))
    (scholia-test--changed)
    (scholia-test--check (scholia-test--wait (lambda () (null (scholia-test--diags "ambiguous-locator"))))
                         "no ambiguous-locator after the fix" (scholia-test--diags "ambiguous-locator"))))

;;;; Commands

(scholia-test "scholia-translation-report shows the report of a translation, as edited"
  (let* ((file (expand-file-name "emacs-translation.scholia" scholia-test-ws))
         (buf (find-file-noselect file)))
    (with-current-buffer buf
      (insert "+++\ntitle = \"Перевод\"\nlanguage = \"ru\"\n"
              "translation-of = \"1952-09-14-zhou-to-mao.scholia\"\n+++\n\nТекст.[^1]\n\n[^1]: Примечание.\n")
      (save-buffer)
      (scholia-test--check (eglot-current-server) "eglot managing the new file" nil)
      ;; Unsaved: the report is of the text in the buffer.
      (goto-char (point-max))
      (insert "\nMore.[^9]\n\n[^9]: B.\n")
      (let* ((report-buf (scholia-test--wait (lambda () (ignore-errors (scholia-translation-report))) 10))
             (text (and report-buf (with-current-buffer report-buf (buffer-string)))))
        (scholia-test--check (and text (string-prefix-p "translation " text)
                                  (string-match-p "1952-09-14-zhou-to-mao" text)
                                  (string-match-p (regexp-quote "[^9] is not in the original") text))
                             "a report naming the original and the unsaved [^9]" text)))
    (with-current-buffer buf (set-buffer-modified-p nil))
    (kill-buffer buf)))

(scholia-test "scholia-export-tei writes the document's TEI and register.xml to export/, as the CLI does"
  (let* ((name "1952-09-14-zhou-to-mao")
         (buf (find-file-noselect (expand-file-name (concat name ".scholia") scholia-test-ws)))
         (xml (expand-file-name (concat "export/" name ".xml") scholia-test-ws))
         (register (expand-file-name "export/register.xml" scholia-test-ws))
         (cli (expand-file-name "cli-export" scholia-test-tmp))
         (read (lambda (f) (when (file-exists-p f)
                             (with-temp-buffer
                               (let ((coding-system-for-read 'utf-8-unix))
                                 (insert-file-contents-literally f))
                               (buffer-string))))))
    (with-current-buffer buf
      (scholia-test--check (eglot-current-server) "eglot managing the document" nil)
      ;; Unsaved text: the export is of the buffer.
      (goto-char (point-max))
      (insert "\nUnsaved in Emacs: [[zhou-enlai|Zhou]].\n")
      (let ((files (scholia-export-tei)))
        (scholia-test--check (equal (mapcar #'file-truename files)
                                    (mapcar #'file-truename (list xml register)))
                             (list xml register) files))
      (let ((text (funcall read xml)))
        (scholia-test--check (and text (string-match-p "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"" text)
                                  (string-match-p "Unsaved in Emacs: <persName" text))
                             "the buffer's text as TEI on disk" (and text (substring text 0 (min 200 (length text)))))
        ;; The same bytes as the CLI's export of that text.
        (save-buffer)
        (let ((status (call-process scholia-server-path nil nil nil "export" "--format" "tei"
                                    "--out" cli (buffer-file-name))))
          (scholia-test--check (eq status 0) "scholia export exits 0" status))
        (scholia-test--check (equal text (funcall read (expand-file-name (concat name ".xml") cli)))
                             "the CLI's export of the document" (length text))
        (scholia-test--check (equal (funcall read register)
                                    (funcall read (expand-file-name "register.xml" cli)))
                             "the CLI's register.xml" register)))))

(scholia-test "scholia-export-tei and scholia-preview run the server's commands or say it lacks them"
  (set-buffer scholia-test-conv)
  (let ((commands (scholia--server-commands scholia-test-server)))
    (dolist (pair `((scholia-export-tei . ,scholia-export-tei-command)
                    (scholia-preview . ,scholia-preview-command)))
      (if (member (cdr pair) commands)
          (princ (format "      (the server offers %s)\n" (cdr pair)))
        (let ((err (condition-case e (progn (funcall (car pair)) nil) (user-error (cadr e)))))
          (scholia-test--check (and err (string-match-p (regexp-quote (cdr pair)) err))
                               (format "a user-error naming %s" (cdr pair)) err))))))

;;;; Editor leftovers

(scholia-test "Emacs' lock files in the workspace are never read (no error logged)"
  (set-buffer scholia-test-conv)
  (let ((locks scholia-test-locks-at-start))
    (scholia-test--check locks "a lock file .#… when the server scanned the workspace"
                         (directory-files scholia-test-ws))
    (let ((stderr (with-current-buffer (jsonrpc-stderr-buffer scholia-test-server) (buffer-string))))
      (scholia-test--check (not (string-match-p "\\.#\\|skipping" stderr)) "no error about a lock file" stderr))))

(scholia-test "the server shuts down cleanly"
  (with-current-buffer scholia-test-locked (set-buffer-modified-p nil))
  (set-buffer scholia-test-conv)
  (set-buffer-modified-p nil)
  (eglot-shutdown scholia-test-server)
  (scholia-test--check (not (jsonrpc-running-p scholia-test-server)) "the server process gone" scholia-test-server))

(delete-directory scholia-test-tmp t)
(princ (format "%d passed, %d failed\n" scholia-test-passed scholia-test-failed))
(kill-emacs (if (> scholia-test-failed 0) 1 0))

;;; scholia-test.el ends here
