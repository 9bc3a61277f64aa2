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

#[cfg(test)]
mod tests {
    use super::{from_xml_id, xml_id};

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
    }
}
