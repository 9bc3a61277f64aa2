;;; scholia-pkg.el --- Package description of scholia-mode  -*- no-byte-compile: t -*-
(define-package "scholia" "0.1.0"
  "Major mode and eglot setup for scholia documents."
  '((emacs "28.1") (eglot "1.9"))
  :keywords '("languages" "wp" "tools"))
