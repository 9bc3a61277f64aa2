//! What the index pages need of every document, kept on disk rather than
//! in memory while the document pages are made: each mention's line of
//! context (bucketed by entity) and each document's words for search
//! (bucketed by the first two characters of the word). Each bucket is read
//! back alone, so the memory an export holds is a bucket's, not the
//! archive's. The files live in a hidden folder of the output, removed when
//! the build ends.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Buckets of mention contexts, and of words.
pub(crate) const MENTION_BUCKETS: usize = 128;
pub(crate) const WORD_BUCKETS: usize = 64;

pub(crate) struct Spill {
    dir: PathBuf,
    mentions: Vec<Mutex<BufWriter<File>>>,
    words: Vec<Mutex<BufWriter<File>>>,
}

/// One mention as kept: (entity, document, mention index, context HTML).
pub(crate) type MentionRecord = (usize, usize, usize, String);

fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

fn get_u32(bytes: &[u8], at: &mut usize) -> Option<usize> {
    let b = bytes.get(*at..*at + 4)?;
    *at += 4;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

fn get_str(bytes: &[u8], at: &mut usize) -> Option<String> {
    let len = get_u32(bytes, at)?;
    let s = bytes.get(*at..*at + len)?;
    *at += len;
    String::from_utf8(s.to_vec()).ok()
}

/// The shard of a word in the search index: its first two characters.
pub(crate) fn shard_of(word: &str) -> &str {
    let end = word.char_indices().nth(2).map_or(word.len(), |(i, _)| i);
    &word[..end]
}

fn bucket_of_shard(shard: &str) -> usize {
    // FNV-1a: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in shard.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % WORD_BUCKETS as u64) as usize
}

fn open(dir: &Path, name: String) -> Result<Mutex<BufWriter<File>>, String> {
    let path = dir.join(name);
    let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Mutex::new(BufWriter::with_capacity(32 * 1024, file)))
}

impl Spill {
    /// The buckets, in a new folder `dir` (removed by `Drop`).
    pub fn new(dir: PathBuf) -> Result<Spill, String> {
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut spill = Spill {
            dir,
            mentions: Vec::new(),
            words: Vec::new(),
        };
        for b in 0..MENTION_BUCKETS {
            spill.mentions.push(open(&spill.dir, format!("m{b}"))?);
        }
        for b in 0..WORD_BUCKETS {
            spill.words.push(open(&spill.dir, format!("w{b}"))?);
        }
        Ok(spill)
    }

    fn append(
        &self,
        files: &[Mutex<BufWriter<File>>],
        b: usize,
        bytes: &[u8],
    ) -> Result<(), String> {
        if bytes.is_empty() {
            return Ok(());
        }
        let mut f = files[b].lock().unwrap_or_else(|e| e.into_inner());
        f.write_all(bytes)
            .map_err(|e| format!("{}: {e}", self.dir.display()))
    }

    /// Keeps document `doc`'s mentions: (entity, anchor `m<i>`, context).
    pub fn add_mentions(
        &self,
        doc: usize,
        mentions: &[(usize, String, String)],
    ) -> Result<(), String> {
        let mut buckets: Vec<Vec<u8>> = vec![Vec::new(); MENTION_BUCKETS];
        for (e, anchor, ctx) in mentions {
            let index = anchor
                .strip_prefix('m')
                .and_then(|i| i.parse::<usize>().ok())
                .unwrap_or(0);
            let out = &mut buckets[e % MENTION_BUCKETS];
            put_u32(out, *e);
            put_u32(out, doc);
            put_u32(out, index);
            put_u32(out, ctx.len());
            out.extend_from_slice(ctx.as_bytes());
        }
        for (b, bytes) in buckets.iter().enumerate() {
            self.append(&self.mentions, b, bytes)?;
        }
        Ok(())
    }

    /// Keeps document `doc`'s distinct words.
    pub fn add_words(&self, doc: usize, words: &[String]) -> Result<(), String> {
        let mut buckets: Vec<Vec<u8>> = vec![Vec::new(); WORD_BUCKETS];
        for w in words {
            let out = &mut buckets[bucket_of_shard(shard_of(w))];
            put_u32(out, doc);
            put_u32(out, w.len());
            out.extend_from_slice(w.as_bytes());
        }
        for (b, bytes) in buckets.iter().enumerate() {
            self.append(&self.words, b, bytes)?;
        }
        Ok(())
    }

    /// Writes out what is buffered; call once every document is in.
    pub fn flush(&self) -> Result<(), String> {
        for f in self.mentions.iter().chain(&self.words) {
            let mut f = f.lock().unwrap_or_else(|e| e.into_inner());
            f.flush()
                .map_err(|e| format!("{}: {e}", self.dir.display()))?;
        }
        Ok(())
    }

    fn read(&self, name: String) -> Result<Vec<u8>, String> {
        let path = self.dir.join(name);
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The mentions of bucket `b` (entities `e` with `e % MENTION_BUCKETS
    /// == b`), sorted by entity, document and place in the document.
    pub fn mentions(&self, b: usize) -> Result<Vec<MentionRecord>, String> {
        let bytes = self.read(format!("m{b}"))?;
        let mut out = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let record = (|| {
                Some((
                    get_u32(&bytes, &mut at)?,
                    get_u32(&bytes, &mut at)?,
                    get_u32(&bytes, &mut at)?,
                    get_str(&bytes, &mut at)?,
                ))
            })()
            .ok_or_else(|| format!("{}: a bucket is damaged", self.dir.display()))?;
            out.push(record);
        }
        out.sort_by_key(|r| (r.0, r.1, r.2));
        Ok(out)
    }

    /// The words of bucket `b`: (document, word), in no order.
    pub fn words(&self, b: usize) -> Result<Vec<(usize, String)>, String> {
        let bytes = self.read(format!("w{b}"))?;
        let mut out = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let record = (|| Some((get_u32(&bytes, &mut at)?, get_str(&bytes, &mut at)?)))()
                .ok_or_else(|| format!("{}: a bucket is damaged", self.dir.display()))?;
            out.push(record);
        }
        Ok(out)
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        self.mentions.clear();
        self.words.clear();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_sorted_and_whole() {
        let dir = std::env::temp_dir().join(format!("scholia-spill-{}", std::process::id()));
        let spill = Spill::new(dir.clone()).unwrap();
        let e = MENTION_BUCKETS + 3;
        spill
            .add_mentions(2, &[(e, "m5".into(), "b <mark>x</mark>".into())])
            .unwrap();
        spill
            .add_mentions(
                1,
                &[(e, "m9".into(), "a".into()), (3, "m0".into(), "c".into())],
            )
            .unwrap();
        spill
            .add_words(1, &["alpha".into(), "éé".into(), "周恩来".into()])
            .unwrap();
        spill.flush().unwrap();
        let got = spill.mentions(3).unwrap();
        assert_eq!(
            got,
            vec![
                (3, 1, 0, "c".to_string()),
                (e, 1, 9, "a".to_string()),
                (e, 2, 5, "b <mark>x</mark>".to_string())
            ]
        );
        let mut words: Vec<(usize, String)> = (0..WORD_BUCKETS)
            .flat_map(|b| spill.words(b).unwrap())
            .collect();
        words.sort();
        assert_eq!(
            words,
            vec![(1, "alpha".into()), (1, "éé".into()), (1, "周恩来".into())]
        );
        assert_eq!(shard_of("周恩来"), "周恩");
        assert_eq!(shard_of("a"), "a");
        drop(spill);
        assert!(!dir.exists());
    }
}
