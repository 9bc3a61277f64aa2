//! Positions: byte offsets inside, (line, column) at the edges. Lines end at
//! `\n`, `\r\n` or a lone `\r` (LSP's rule); columns count UTF-8 bytes, UTF-16
//! code units or Unicode scalar values, as negotiated with the client.

use std::ops::Range;

/// A column unit (LSP `PositionEncodingKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

/// The largest character boundary of `text` at or before `i` (at most
/// `text.len()`).
pub fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Encoding {
    /// Width of `c` in this encoding's units.
    pub fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }

    /// Length of `s` in this encoding's units.
    pub fn len(self, s: &str) -> usize {
        // One unit per byte in every encoding; `is_ascii` is a fast SIMD scan.
        if s.is_ascii() {
            return s.len();
        }
        match self {
            Encoding::Utf8 => s.len(),
            Encoding::Utf16 => s.chars().map(char::len_utf16).sum(),
            Encoding::Utf32 => s.chars().count(),
        }
    }
}

/// A zero-based line and column (in some `Encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Where each line of a text starts. Cheap to build (one pass over the bytes)
/// and answers both directions in O(log lines + line length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of every line; the first is 0.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 64 + 1);
        starts.push(0);
        // `memchr2` finds the terminators many bytes at a time (a third of
        // the cost of a byte loop on 1 MB, paid on every keystroke).
        let mut after_cr = usize::MAX; // where a `\r` just ended a line
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' && i == after_cr {
                // The `\n` of a `\r\n`: the line ends after it, not twice.
                *starts.last_mut().expect("a line was pushed") = i + 1;
            } else {
                starts.push(i + 1);
            }
            after_cr = if bytes[i] == b'\r' { i + 1 } else { usize::MAX };
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of line `line`'s content, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Option<Range<usize>> {
        let start = *self.starts.get(line)?;
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Some(start..end)
    }

    /// The line holding byte `offset` (an offset inside a `\r\n` belongs to
    /// the line it ends).
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Byte offset → line/column. An offset inside a character or a line
    /// terminator is clamped to the character's start or the line's end.
    pub fn line_col(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let range = self.line_range(text, line).unwrap_or(offset..offset);
        let end = floor_char_boundary(text, offset.min(range.end));
        let col = enc.len(&text[range.start..end]);
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// Line/column → byte offset. A column past the line's end means the
    /// line's end; a line past the last means the end of the text (LSP's
    /// rule). A column inside a character (half a surrogate pair) rounds down.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let Some(range) = self.line_range(text, pos.line as usize) else {
            return self.len;
        };
        let mut units = 0usize;
        let want = pos.col as usize;
        for (i, c) in text[range.clone()].char_indices() {
            let w = enc.width(c);
            if units + w > want {
                return range.start + i;
            }
            units += w;
        }
        range.end
    }

    /// True when `pos` names a place that exists in the text exactly (its
    /// line exists and the column is on a character boundary within it).
    pub fn is_exact(&self, text: &str, pos: LineCol, enc: Encoding) -> bool {
        let Some(range) = self.line_range(text, pos.line as usize) else {
            return false;
        };
        let want = pos.col as usize;
        let mut units = 0usize;
        for c in text[range].chars() {
            if units == want {
                return true;
            }
            units += enc.width(c);
        }
        units == want
    }
}

/// Where two texts differ: `old[start..old_end]` became `new[start..new_end]`,
/// and the bytes before `start` and after the ends are the same in both
/// (byte offsets: `start` and the ends need not be character boundaries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl Edit {
    /// The smallest such edit: the longest common prefix, then the longest
    /// common suffix of what follows it. A keystroke in 1 MB costs two
    /// comparisons of ≈ 0.5 MB, block by block (`memcmp`), then byte by byte.
    pub fn between(old: &str, new: &str) -> Edit {
        const BLOCK: usize = 4096;
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let n = a.len().min(b.len());
        let mut start = 0;
        while start + BLOCK <= n && a[start..start + BLOCK] == b[start..start + BLOCK] {
            start += BLOCK;
        }
        while start < n && a[start] == b[start] {
            start += 1;
        }
        // The suffix is looked for only after the prefix.
        let most = n - start;
        let (mut suffix, la, lb) = (0, a.len(), b.len());
        while suffix + BLOCK <= most
            && a[la - suffix - BLOCK..la - suffix] == b[lb - suffix - BLOCK..lb - suffix]
        {
            suffix += BLOCK;
        }
        while suffix < most && a[la - 1 - suffix] == b[lb - 1 - suffix] {
            suffix += 1;
        }
        Edit {
            start,
            old_end: la - suffix,
            new_end: lb - suffix,
        }
    }
}

/// Length of a byte-order mark at the start of `text` (0 or 3).
pub fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{feff}') { 3 } else { 0 }
}

/// The line ending a text uses: that of its first line break (`\n` when it
/// has none).
pub fn line_ending(text: &str) -> &'static str {
    match text.find(['\n', '\r']) {
        Some(i) if text[i..].starts_with("\r\n") => "\r\n",
        Some(i) if text[i..].starts_with('\r') => "\r",
        _ => "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Edit::between` against the definition: the longest common prefix,
    /// then the longest common suffix of the rest, byte by byte.
    fn edit_by_bytes(old: &str, new: &str) -> Edit {
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let suffix = a[start..]
            .iter()
            .rev()
            .zip(b[start..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        Edit {
            start,
            old_end: a.len() - suffix,
            new_end: b.len() - suffix,
        }
    }

    proptest::proptest! {
        #[test]
        fn edit_between_equals_the_byte_comparison(
            base in "[ab\né]{0,40}",
            repeat in 0usize..400,
            at in 0usize..20_000,
            removed in 0usize..700,
            inserted in "[ab\né]{0,600}",
        ) {
            // Long texts, so that the block comparison is exercised.
            let old = base.repeat(repeat);
            let start = floor_char_boundary(&old, at.min(old.len()));
            let end = floor_char_boundary(&old, (start + removed).min(old.len()));
            let mut new = old.clone();
            new.replace_range(start..end, &inserted);
            proptest::prop_assert_eq!(Edit::between(&old, &new), edit_by_bytes(&old, &new));
            proptest::prop_assert_eq!(Edit::between(&new, &old), edit_by_bytes(&new, &old));
        }
    }

    #[test]
    fn edit_between_edge_cases() {
        for (old, new) in [
            ("", ""),
            ("", "a"),
            ("a", ""),
            ("aaaa", "aaa"),
            ("xé", "xè"),
            ("abc", "abc"),
        ] {
            assert_eq!(
                Edit::between(old, new),
                edit_by_bytes(old, new),
                "{old:?} {new:?}"
            );
        }
        let long = "ab\n".repeat(10_000);
        assert_eq!(
            Edit::between(&long, &long[1..]),
            edit_by_bytes(&long, &long[1..])
        );
    }

    #[test]
    fn round_trips_every_boundary_in_every_encoding() {
        let text = "a\r\n周恩来 👨‍👩‍👧 e\u{301}x\rlast\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for (offset, _) in text.char_indices() {
                let pos = index.line_col(text, offset, enc);
                let back = index.offset(text, pos, enc);
                let at_terminator = matches!(text.as_bytes()[offset], b'\r' | b'\n');
                if !at_terminator {
                    assert_eq!(back, offset, "{enc:?} {offset} {pos:?}");
                }
            }
        }
    }

    #[test]
    fn columns_per_encoding() {
        let text = "周👨‍👩‍👧x";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.line_col(text, x, Encoding::Utf8).col, x as u32);
        // 周 = 1 unit, family emoji = 3 emoji (2 units each) + 2 ZWJ (1 each)
        assert_eq!(index.line_col(text, x, Encoding::Utf16).col, 1 + 8);
        assert_eq!(index.line_col(text, x, Encoding::Utf32).col, 1 + 5);
    }

    /// The byte loop `LineIndex::new` used before `memchr`.
    fn starts_byte_by_byte(text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        starts
    }

    proptest::proptest! {
        #[test]
        fn line_starts_equal_the_byte_loop(text in "[\r\na é\u{2028}]{0,64}") {
            let index = LineIndex::new(&text);
            proptest::prop_assert_eq!(&index.starts, &starts_byte_by_byte(&text));
            proptest::prop_assert_eq!(index.len, text.len());
        }
    }

    #[test]
    fn line_starts_of_terminator_runs() {
        for text in [
            "",
            "\r",
            "\n",
            "\r\n",
            "\n\r",
            "\r\r\n",
            "\r\n\r\n",
            "a\r\nb\rc\nd\n\r",
        ] {
            assert_eq!(
                LineIndex::new(text).starts,
                starts_byte_by_byte(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        let enc = Encoding::Utf16;
        assert_eq!(index.offset(text, LineCol { line: 0, col: 99 }, enc), 2);
        assert_eq!(index.offset(text, LineCol { line: 9, col: 0 }, enc), 5);
        assert!(!index.is_exact(text, LineCol { line: 0, col: 3 }, enc));
        assert!(index.is_exact(text, LineCol { line: 0, col: 2 }, enc));
    }
}
