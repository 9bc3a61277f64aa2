//! Loading a workspace: `scholia.toml`, the walk over its files, the
//! registry and bibliography files read (with the editor's text of open
//! ones) and their problems.

use super::*;

fn glob_set(patterns: &[config::Pattern]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        if let Ok(g) = globset::GlobBuilder::new(&p.glob)
            .literal_separator(true)
            .build()
        {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

impl Workspace {
    /// A workspace for documents outside any `scholia.toml`.
    pub fn detached() -> Workspace {
        Workspace::default()
    }

    /// Opens the workspace rooted at `root`: reads `scholia.toml`, finds and
    /// loads the registry and bibliography, and lists (but does not parse)
    /// the documents. Unreadable files become diagnostics, never errors.
    pub fn open(root: &Path) -> (Workspace, Vec<PathBuf>) {
        let (mut ws, docs) = Workspace::scan(root, |_| {});
        ws.reload_registry();
        ws.reload_bibliography();
        (ws, docs)
    }

    /// The first half of `open`: reads `scholia.toml` and lists the
    /// documents, registry and bibliography files without reading them;
    /// `found` is told the number of files walked so far after each.
    pub fn scan(root: &Path, mut found: impl FnMut(usize)) -> (Workspace, Vec<PathBuf>) {
        let root = normalize(root);
        let mut ws = Workspace {
            root: Some(root.clone()),
            ..Workspace::default()
        };
        let config_path = root.join(CONFIG_FILE);
        let mut config_file = match read_text(&config_path) {
            Ok(text) => AuxFile::new(text),
            Err(message) => {
                let mut f = AuxFile::new(String::new());
                f.diagnostics.push(Diagnostic::new(Code::Io, 0..0, message));
                f
            }
        };
        ws.config = Config::parse(&config_file.text);
        config_file
            .diagnostics
            .extend(ws.config.diagnostics.iter().cloned());
        let (style, problems) = CitationStyle::resolve(&ws.config.citations, &root);
        ws.style = Arc::new(style);
        config_file.diagnostics.extend(problems);
        ws.aux.insert(config_path, config_file);

        let registry_globs = glob_set(&ws.config.registry);
        let bibliography_globs = glob_set(&ws.config.bibliography);
        let mut docs = Vec::new();
        let mut files = 0;
        let walker = walkdir::WalkDir::new(&root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !(e.file_name().to_string_lossy().starts_with('.')
                        || is_editor_leftover(e.path())
                        || (e.file_type().is_dir()
                            && matches!(e.file_name().to_str(), Some("node_modules" | "target"))))
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    // An editor's lock (Emacs' `.#name`, a dangling link)
                    // is skipped silently.
                    if e.path().is_some_and(is_editor_leftover) {
                        continue;
                    }
                    // Loops, broken links and unreadable folders are skipped;
                    // the rest is used.
                    eprintln!("scholia: skipping a path of the workspace: {e}");
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            files += 1;
            found(files);
            let path = entry.path();
            let Ok(rel) = path.strip_prefix(&root) else {
                continue;
            };
            if is_document(path) {
                docs.push(path.to_path_buf());
            } else if registry_globs.is_match(rel) {
                ws.registry_files.push(path.to_path_buf());
            } else if bibliography_globs.is_match(rel) {
                ws.bibliography_files.push(path.to_path_buf());
            }
        }
        ws.report_unmatched_patterns();
        (ws, docs)
    }

    /// A literal path in `scholia.toml` (no glob characters) that names no
    /// file is reported on its string.
    fn report_unmatched_patterns(&mut self) {
        let Some(root) = self.root.clone() else {
            return;
        };
        let mut missing = Vec::new();
        for (patterns, files) in [
            (&self.config.registry, &self.registry_files),
            (&self.config.bibliography, &self.bibliography_files),
        ] {
            for p in patterns {
                let literal = !p.glob.contains(['*', '?', '[', '{']);
                if literal && !files.contains(&normalize(&root.join(&p.glob))) {
                    missing.push(Diagnostic::new(
                        Code::Config,
                        p.range.clone(),
                        format!("`{}` names no file of this workspace", p.glob),
                    ));
                }
            }
        }
        if let Some(f) = self.aux.get_mut(&root.join(CONFIG_FILE)) {
            f.diagnostics.extend(missing);
        }
    }

    /// Reads every file in `paths` (or takes the text an editor holds, from
    /// `overrides`), recording unreadable ones as diagnostics. A file that
    /// was read before and cannot be read now (not UTF-8 any more, too big,
    /// unreadable) keeps its last good text, so its entries stay in use.
    fn read_aux(
        &mut self,
        paths: &[PathBuf],
        overrides: &HashMap<PathBuf, String>,
    ) -> Vec<(PathBuf, String)> {
        let mut out = Vec::new();
        for path in paths {
            let text = match overrides.get(path) {
                Some(t) => Ok(t.clone()),
                None => read_text(path),
            };
            match text {
                Ok(text) => {
                    self.last_good.insert(path.clone(), text.clone());
                    self.aux.insert(path.clone(), AuxFile::new(text.clone()));
                    out.push((path.clone(), text));
                }
                Err(message) => {
                    eprintln!("scholia: {message}");
                    let f = match self.last_good.get(path) {
                        Some(good) => {
                            out.push((path.clone(), good.clone()));
                            let mut f = AuxFile::new(good.clone());
                            f.diagnostics.push(Diagnostic::new(
                                Code::Io,
                                0..0,
                                format!("{message}; its last readable version stays in use"),
                            ));
                            f
                        }
                        None => {
                            let mut f = AuxFile::new(String::new());
                            f.diagnostics.push(Diagnostic::new(Code::Io, 0..0, message));
                            f
                        }
                    };
                    self.aux.insert(path.clone(), f);
                }
            }
        }
        out
    }

    /// Re-reads every registry file.
    pub fn reload_registry(&mut self) {
        self.reload_registry_with(&HashMap::new());
    }

    /// Re-reads the registry, taking the text of files open in an editor
    /// from `open`.
    pub fn reload_registry_with(&mut self, open: &HashMap<PathBuf, String>) {
        let files = self.registry_files.clone();
        let texts = self.read_aux(&files, open);
        let (mut registry, mut diagnostics) = Registry::load(&texts);
        registry.set_not_mentions(&self.config.not_mentions);
        // `missing-authority` is made only when scholia.toml turns it on: it
        // would be one diagnostic per entry of a large registry, dropped.
        let missing = self.config.lints.level(Code::MissingAuthority) != crate::base::Level::Off;
        diagnostics.extend(authority::check(&registry, &texts, missing));
        self.registry = registry;
        for (path, d) in diagnostics {
            if let Some(f) = self.aux.get_mut(&path) {
                f.diagnostics.push(d);
            }
        }
        self.recount_mentions();
    }

    pub fn reload_bibliography(&mut self) {
        self.reload_bibliography_with(&HashMap::new());
    }

    pub fn reload_bibliography_with(&mut self, open: &HashMap<PathBuf, String>) {
        let files = self.bibliography_files.clone();
        let texts = self.read_aux(&files, open);
        let (bibliography, diagnostics) = Bibliography::load(&texts);
        self.bibliography = bibliography;
        for (path, d) in diagnostics {
            if let Some(f) = self.aux.get_mut(&path) {
                f.diagnostics.push(d);
            }
        }
    }
}
