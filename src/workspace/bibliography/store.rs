//! hayagriva's renderings kept between runs: a file per citation style in
//! the user's cache folder, so that exporting an archive again renders only
//! the references that changed (a Chicago note costs hayagriva 1–3 ms, and
//! an archive has thousands of sources).
//!
//! A rendering is decided by the entry (as converted for hayagriva), the
//! locator, the style and locale, hayagriva's version and scholia's own
//! rendering code. The entry and locator are the key of each rendering;
//! the rest is the file's fingerprint: a file whose fingerprint differs is
//! ignored (and replaced on save). The fingerprint names the build through
//! `SCHOLIA_RENDER_BUILD` (build.rs: a hash of Cargo.lock and of the source
//! files that turn an entry into hayagriva's answer), so a changed renderer
//! never reads an old answer.
//!
//! The file is ours, never named by a document or a setting, and is read
//! as data: a file that does not parse, is too large or has another
//! fingerprint counts as empty. It is replaced atomically (written beside,
//! then renamed), so two exports at once leave one of their files whole.

use std::collections::HashMap;
use std::hash::Hasher;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// The file format's own version, part of the fingerprint.
const FORMAT: u32 = 1;

/// A larger file is not read.
const MAX_FILE: u64 = 256 << 20;

/// At most this many renderings are kept; beyond, a save keeps only the
/// ones this run added.
const MAX_RENDERS: usize = 400_000;

/// The renderings of one style, read from and saved to one file.
pub struct RenderStore {
    path: PathBuf,
    fingerprint: String,
    known: HashMap<String, String>,
    added: Mutex<HashMap<String, String>>,
    /// How many of `added` the last save wrote.
    saved: Mutex<usize>,
}

impl std::fmt::Debug for RenderStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderStore")
            .field("path", &self.path)
            .field("read", &self.known.len())
            .field("added", &self.len_added())
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
struct File {
    fingerprint: String,
    renders: HashMap<String, String>,
}

/// A stable 64-bit hash (FNV-1a: the same in every build and on every
/// machine, unlike the standard library's).
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut h = fnv::FnvHasher::default();
    for p in parts {
        h.write(p.as_bytes());
        h.write_u8(0);
    }
    h.finish()
}

impl RenderStore {
    /// The store of the style described by `style` (its name, locale and,
    /// for a style file, a hash of its text) in `dir`, with what an earlier
    /// run saved there.
    pub fn open(dir: &Path, style: &str) -> RenderStore {
        let fingerprint = format!(
            "scholia renders {FORMAT}; scholia {}; build {}; {style}",
            env!("CARGO_PKG_VERSION"),
            env!("SCHOLIA_RENDER_BUILD")
        );
        let path = dir.join(format!(
            "renders-{:016x}.json",
            stable_hash(&[&fingerprint])
        ));
        let known = read(&path)
            .filter(|f| f.fingerprint == fingerprint)
            .map(|f| f.renders)
            .unwrap_or_default();
        RenderStore {
            path,
            fingerprint,
            known,
            added: Mutex::default(),
            saved: Mutex::default(),
        }
    }

    /// The file this store reads and saves.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many renderings the file gave.
    pub fn len_read(&self) -> usize {
        self.known.len()
    }

    /// How many renderings this run added.
    pub fn len_added(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.added.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The rendering saved under `key`.
    pub fn get(&self, key: &str) -> Option<String> {
        match self.known.get(key) {
            Some(text) => Some(text.clone()),
            None => self.lock().get(key).cloned(),
        }
    }

    /// Keeps a rendering for the next save.
    pub fn put(&self, key: String, text: String) {
        if !self.known.contains_key(&key) {
            self.lock().insert(key, text);
        }
    }

    /// Writes the file when this run added renderings; `Ok(false)` when
    /// there was nothing to write.
    /// (A server saves after each export: each save writes all it has.)
    pub fn save(&self) -> io::Result<bool> {
        let mut saved = self.saved.lock().unwrap_or_else(|e| e.into_inner());
        let added = self.lock().clone();
        if added.len() == *saved {
            return Ok(false);
        }
        let count = added.len();
        let mut renders: HashMap<String, String> = if self.known.len() + added.len() <= MAX_RENDERS
        {
            self.known.clone()
        } else {
            HashMap::new()
        };
        renders.extend(added);
        let file = File {
            fingerprint: self.fingerprint.clone(),
            renders,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self
            .path
            .with_extension(format!("json.{}.tmp", std::process::id()));
        let written = serde_json::to_vec(&file)
            .map_err(io::Error::other)
            .and_then(|bytes| std::fs::write(&tmp, bytes))
            .and_then(|()| std::fs::rename(&tmp, &self.path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        } else {
            *saved = count;
        }
        written.map(|()| true)
    }
}

fn read(path: &Path) -> Option<File> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE {
        return None;
    }
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_renderings_come_back_and_others_do_not() {
        let dir = std::env::temp_dir().join(format!("scholia-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = RenderStore::open(&dir, "bundled chicago-notes; locale -");
        assert_eq!((store.len_read(), store.get("a")), (0, None));
        assert!(!store.save().unwrap(), "nothing to write");
        store.put("a".into(), "A.".into());
        assert_eq!(store.get("a").as_deref(), Some("A."));
        assert!(store.save().unwrap());
        assert!(!store.save().unwrap(), "nothing new since");
        // A later save keeps what earlier saves of this run wrote.
        store.put("c".into(), "C.".into());
        assert!(store.save().unwrap());
        let again = RenderStore::open(&dir, "bundled chicago-notes; locale -");
        assert_eq!(again.path(), store.path());
        assert_eq!(
            (again.len_read(), again.get("a").as_deref()),
            (2, Some("A."))
        );
        assert_eq!(again.get("c").as_deref(), Some("C."));
        // Another style: another file, nothing read.
        let other = RenderStore::open(&dir, "bundled apa; locale -");
        assert_ne!(other.path(), store.path());
        assert_eq!(other.get("a"), None);
        // A damaged file counts as empty, and the next save replaces it.
        std::fs::write(store.path(), b"{\"fingerprint\": 7,").unwrap();
        let damaged = RenderStore::open(&dir, "bundled chicago-notes; locale -");
        assert_eq!(damaged.get("a"), None);
        damaged.put("b".into(), "B.".into());
        assert!(damaged.save().unwrap());
        let fixed = RenderStore::open(&dir, "bundled chicago-notes; locale -");
        assert_eq!(fixed.get("b").as_deref(), Some("B."));
        // A file with the right name and another fingerprint is not read.
        let foreign = serde_json::json!({"fingerprint": "another build", "renders": {"b": "X"}});
        std::fs::write(store.path(), foreign.to_string()).unwrap();
        let stale = RenderStore::open(&dir, "bundled chicago-notes; locale -");
        assert_eq!(stale.get("b"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_hash_is_stable() {
        // FNV-1a 64 of "a\0": fixed by the algorithm, not by this build.
        assert_eq!(stable_hash(&["a"]), 0x089b_e207_b544_f1e4);
    }
}
