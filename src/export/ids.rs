//! Registry ids and citation keys as `xml:id`s, and back.
//!
//! An `xml:id` is an XML name without a colon (an NCName); registry ids
//! (`38th-parallel`) and citation keys (`doi:10.1/x`, `a#b`) need not be.
//! The mapping keeps ASCII letters, digits, `-` and `.` as they are (a
//! letter first) and writes every other character, and a first character
//! that is not a letter, as `_` + its code point in lower-case hex + `_`:
//! `38th-parallel` → `_33_8th-parallel`, `doi:10.1/x` → `doi_3a_10.1_2f_x`,
//! `a_b` → `a_5f_b`. It is reversible (`from_xml_id`), and ids that are
//! already plain names (`zhou-enlai`) are unchanged.
//!
//! Registry ids and citation keys share `register.xml`, so a key that is
//! also a registry id (`kennan` for George Kennan and for his memoir)
//! would give two elements one `xml:id`. Such a key's `xml:id` (and every
//! pointer to it) takes the prefix `_bibl_`: `kennan` → `_bibl_kennan`.
//! `xml_id` never writes `_bibl_` (between two underscores it writes only
//! hex digits, and `i`, `l` are none), so the prefixed form cannot be the
//! `xml:id` of any registry id or other key, and `key_from_xml_id` reads it
//! back. Keys that collide with nothing keep their plain `xml:id`.

/// The `xml:id` for a registry id or citation key.
pub fn xml_id(s: &str) -> String {
    if s.is_empty() {
        return "_".to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for (i, c) in s.chars().enumerate() {
        let plain = if i == 0 {
            c.is_ascii_alphabetic()
        } else {
            c.is_ascii_alphanumeric() || c == '-' || c == '.'
        };
        if plain {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}_", c as u32));
        }
    }
    out
}

/// The registry id or citation key whose `xml:id` is `id`; `None` when `id`
/// is not an output of `xml_id`.
pub fn from_xml_id(id: &str) -> Option<String> {
    if id == "_" {
        return Some(String::new());
    }
    let mut out = String::with_capacity(id.len());
    let mut rest = id;
    while let Some(c) = rest.chars().next() {
        if c == '_' {
            let end = rest[1..].find('_')? + 1;
            let code = u32::from_str_radix(&rest[1..end], 16).ok()?;
            out.push(char::from_u32(code)?);
            rest = &rest[end + 1..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Some(out)
}

/// What a citation key's `xml:id` starts with when a registry id has the
/// same `xml:id` (see the module's documentation).
pub const COLLIDING_KEY_PREFIX: &str = "_bibl_";

/// The `xml:id` of citation key `key`; `registry_id` tells whether a
/// registry entry has that id too.
pub fn key_xml_id(key: &str, registry_id: bool) -> String {
    if registry_id {
        format!("{COLLIDING_KEY_PREFIX}{}", xml_id(key))
    } else {
        xml_id(key)
    }
}

/// The citation key whose `xml:id` is `id`, either form of `key_xml_id`;
/// `None` when `id` is neither.
pub fn key_from_xml_id(id: &str) -> Option<String> {
    if let Some(rest) = id.strip_prefix(COLLIDING_KEY_PREFIX)
        && let Some(key) = from_xml_id(rest)
        && xml_id(&key) == rest
    {
        return Some(key);
    }
    from_xml_id(id)
}

#[cfg(test)]
mod tests {
    use super::{COLLIDING_KEY_PREFIX, from_xml_id, key_from_xml_id, key_xml_id, xml_id};

    #[test]
    fn examples() {
        for (id, x) in [
            ("zhou-enlai", "zhou-enlai"),
            ("38th-parallel", "_33_8th-parallel"),
            ("doi:10.1/x", "doi_3a_10.1_2f_x"),
            ("a_b", "a_5f_b"),
            ("a#b", "a_23_b"),
            ("周", "_5468_"),
            ("", "_"),
        ] {
            assert_eq!(xml_id(id), x);
            assert_eq!(from_xml_id(x).as_deref(), Some(id));
        }
        assert_eq!(from_xml_id("a_zz_"), None);
    }

    #[test]
    fn colliding_keys() {
        assert_eq!(key_xml_id("kennan", true), "_bibl_kennan");
        assert_eq!(key_xml_id("kennan", false), "kennan");
        assert_eq!(key_xml_id("38th", true), "_bibl__33_8th");
        for x in [
            "_bibl_kennan",
            "kennan",
            "_bibl__33_8th",
            "doi_3a_10.1_2f_x",
        ] {
            let key = key_from_xml_id(x).expect(x);
            assert!(key_xml_id(&key, x.starts_with("_bibl_")) == x, "{x}");
        }
        assert_eq!(from_xml_id("_bibl_kennan"), None);
        // Not what key_xml_id writes: kept for the caller to take as is.
        assert_eq!(key_from_xml_id("_bibl_"), None);
        assert_eq!(key_from_xml_id("_bibl_1"), None);
    }

    proptest::proptest! {
        #[test]
        fn reversible_and_a_name(s in "\\PC{0,12}") {
            let x = xml_id(&s);
            proptest::prop_assert_eq!(from_xml_id(&x), Some(s));
            let mut chars = x.chars();
            let first = chars.next().unwrap();
            proptest::prop_assert!(first.is_ascii_alphabetic() || first == '_');
            proptest::prop_assert!(x.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)));
        }

        #[test]
        fn a_colliding_key_never_meets_another_id(s in "\\PC{0,12}", t in "\\PC{0,12}") {
            let prefixed = key_xml_id(&s, true);
            proptest::prop_assert!(prefixed.starts_with(COLLIDING_KEY_PREFIX));
            proptest::prop_assert_ne!(&prefixed, &xml_id(&t));
            proptest::prop_assert_eq!(key_from_xml_id(&prefixed), Some(s.clone()));
            proptest::prop_assert_eq!(key_from_xml_id(&key_xml_id(&s, false)), Some(s));
        }
    }
}
