; The front matter folds. Sections and notes have no node of their own (the
; tree is flat): the language server sends their folding ranges.
(front_matter) @fold
