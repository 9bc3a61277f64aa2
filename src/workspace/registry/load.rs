//! Reading the registry's TOML files: every entry with the source span of
//! its table, id and names; problems as diagnostics (`registry`,
//! `alias-conflict`).

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::ops::Range;
use std::path::PathBuf;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Entity, Kind, Registry};
use crate::base::{Code, Diagnostic};

impl Registry {
    /// Loads every registry file (path, text). Problems come back as
    /// diagnostics per file (codes `registry`, `alias-conflict`); valid
    /// entries of a file with problems are still loaded.
    pub fn load(files: &[(PathBuf, String)]) -> (Registry, Vec<(PathBuf, Diagnostic)>) {
        let mut diagnostics: Vec<(usize, Diagnostic)> = Vec::new();
        let mut entities: Vec<Entity> = Vec::new();
        // Spans of every name of every loaded entity, in `Entity::written_names` order.
        let mut name_spans: Vec<Vec<Range<usize>>> = Vec::new();
        let mut entity_file: Vec<usize> = Vec::new();
        // id → (file index, offset of the id key) of its first definition.
        let mut first_ids: HashMap<String, (usize, usize)> = HashMap::new();
        let mut line_starts: Vec<Option<Vec<usize>>> = vec![None; files.len()];

        for (file_index, (parsed, mut file_diags)) in parse_files(files).into_iter().enumerate() {
            for (entity, spans) in parsed {
                match first_ids.entry(entity.id.clone()) {
                    MapEntry::Occupied(first) => {
                        let (first_file, offset) = *first.get();
                        let starts = line_starts[first_file]
                            .get_or_insert_with(|| line_starts_of(&files[first_file].1));
                        let line = starts.partition_point(|&s| s <= offset);
                        file_diags.push(Diagnostic::new(
                            Code::Registry,
                            entity.id_range.clone(),
                            format!(
                                "duplicate id `{}`: already defined at {}:{line}",
                                entity.id,
                                files[first_file].0.display()
                            ),
                        ));
                    }
                    MapEntry::Vacant(slot) => {
                        slot.insert((file_index, entity.id_range.start));
                        entities.push(entity);
                        name_spans.push(spans);
                        entity_file.push(file_index);
                    }
                }
            }
            diagnostics.extend(file_diags.into_iter().map(|d| (file_index, d)));
        }

        let (registry, conflicts) = Registry::build(entities);
        for conflict in conflicts {
            let entity = &registry.entities[conflict.entity];
            let name = entity
                .written_names()
                .nth(conflict.position)
                .unwrap_or_default();
            let mut others: Vec<String> = conflict
                .others
                .iter()
                .map(|&i| format!("`{}`", registry.entities[i].id))
                .collect();
            if conflict.count > others.len() {
                others.push(format!("{} more", conflict.count - others.len()));
            }
            let others = match others.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => others.join(""),
            };
            diagnostics.push((
                entity_file[conflict.entity],
                Diagnostic::new(
                    Code::AliasConflict,
                    name_spans[conflict.entity][conflict.position].clone(),
                    format!(
                        "`{name}` is also a name or alias of {others}: mentions of it are ambiguous"
                    ),
                ),
            ));
        }

        diagnostics.sort_by_key(|(file, d)| (*file, d.range.start));
        let diagnostics = diagnostics
            .into_iter()
            .map(|(file, d)| (files[file].0.clone(), d))
            .collect();
        (registry, diagnostics)
    }
}

/// Parsed entries (with their name spans) and problems of one file.
type ParsedFile = (Vec<(Entity, Vec<Range<usize>>)>, Vec<Diagnostic>);

/// `parse_file` of every file, in order. Several large files are parsed on
/// threads of their own (at most one per core): TOML parsing is about half
/// of the time of loading a large registry.
fn parse_files(files: &[(PathBuf, String)]) -> Vec<ParsedFile> {
    let parse = |(path, text): &(PathBuf, String)| {
        let mut diags = Vec::new();
        let parsed = parse_file(path, text, &mut diags);
        (parsed, diags)
    };
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(files.len());
    if threads < 2 || bytes < 256 << 10 {
        return files.iter().map(parse).collect();
    }
    // Largest file first, each to the thread with the fewest bytes so far,
    // so that the threads' shares are about even.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(files[i].1.len()));
    let mut shares: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); threads];
    for i in order {
        let least = shares.iter_mut().min_by_key(|(b, _)| *b).expect("a thread");
        least.0 += files[i].1.len();
        least.1.push(i);
    }
    let mut out: Vec<Option<ParsedFile>> = (0..files.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|(_, mine)| {
                scope.spawn(move || {
                    mine.into_iter()
                        .map(|i| (i, parse(&files[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            match handle.join() {
                Ok(parsed) => {
                    for (i, p) in parsed {
                        out[i] = Some(p);
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    out.into_iter()
        .map(|p| p.expect("every file parsed"))
        .collect()
}

fn line_starts_of(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Parses one registry file: its valid entries (with the spans of their
/// names, in `Entity::written_names` order) and its problems. Duplicate ids across
/// files are the caller's business.
fn parse_file(
    path: &std::path::Path,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(Entity, Vec<Range<usize>>)> {
    let (root, errors) = DeTable::parse_recoverable(text);
    let error_spans: Vec<Range<usize>> = errors
        .iter()
        .map(|e| e.span().unwrap_or(0..0))
        .map(|r| r.start.min(text.len())..r.end.min(text.len()))
        .collect();
    for (error, span) in errors.iter().zip(&error_spans) {
        diags.push(Diagnostic::new(
            Code::Registry,
            span.clone(),
            error.message(),
        ));
    }

    // After a syntax error the parser's recovery can leave the next lines
    // at the top level (`[person.x` unclosed, then `name = …`): no
    // "unknown table" there, except for a table header of its own (a
    // misspelt `[persons.x]`, whose table's span covers the key).
    let first_error = error_spans
        .iter()
        .map(|e| e.start)
        .min()
        .unwrap_or(usize::MAX);
    let mut own = Vec::new();
    let mut out = Vec::new();
    for (key, value) in in_file_order(root.get_ref()) {
        let Some(kind) = Kind::from_table(key.get_ref()) else {
            let (k, v) = (key.span(), value.span());
            let own_header = v.start <= k.start && k.end <= v.end;
            if k.start >= first_error && !own_header {
                continue;
            }
            own.push(Diagnostic::new(
                Code::Registry,
                key.span(),
                format!(
                    "unknown table `{}`; expected person, place or organization",
                    key.get_ref()
                ),
            ));
            continue;
        };
        let DeValue::Table(table) = value.get_ref() else {
            own.push(Diagnostic::new(
                Code::Registry,
                value.span(),
                format!(
                    "`{0}` must be a table of entries such as `[{0}.some-id]`",
                    kind.as_str()
                ),
            ));
            continue;
        };
        for (id, entry) in in_file_order(table) {
            if let Some(parsed) = parse_entry(path, kind, id, entry, &mut own) {
                out.push(parsed);
            }
        }
    }

    // A value the TOML parser already complained about gets no second
    // diagnostic.
    own.retain(|d| {
        !error_spans
            .iter()
            .any(|e| e.start <= d.range.end && d.range.start <= e.end)
    });
    diags.extend(own);
    out
}

type Item<'a, 'i> = (
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
);

/// The entries of a table in the order they are written.
fn in_file_order<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Item<'a, 'i>> {
    let mut items: Vec<_> = table.iter().collect();
    items.sort_by_key(|(k, _)| k.span().start);
    items
}

/// One `key = value` of a registry entry as written: the key, the span of
/// the key and the span of the value (everything nested in it included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub key: String,
    pub key_range: Range<usize>,
    pub value_range: Range<usize>,
}

/// The fields of the entry `[kind.id]` in a registry file's text, in the
/// order they are written; empty when the text has no such entry.
pub fn entry_fields(text: &str, kind: Kind, id: &str) -> Vec<Field> {
    let (root, _) = DeTable::parse_recoverable(text);
    let Some(kind_table) = root.get_ref().get(kind.as_str()) else {
        return Vec::new();
    };
    let DeValue::Table(entries) = kind_table.get_ref() else {
        return Vec::new();
    };
    let Some(entry) = entries.get(id) else {
        return Vec::new();
    };
    let DeValue::Table(fields) = entry.get_ref() else {
        return Vec::new();
    };
    in_file_order(fields)
        .into_iter()
        .map(|(k, v)| {
            let mut value_range = v.span();
            extent(v, &mut value_range);
            Field {
                key: k.get_ref().to_string(),
                key_range: k.span(),
                value_range,
            }
        })
        .collect()
}

/// Whether `id` is `[a-z0-9-]+`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The smallest range that covers a value and everything nested in it.
fn extent(value: &Spanned<DeValue<'_>>, range: &mut Range<usize>) {
    let span = value.span();
    if span.start < span.end {
        range.start = range.start.min(span.start);
        range.end = range.end.max(span.end);
    }
    match value.get_ref() {
        DeValue::Table(table) => {
            for (k, v) in table.iter() {
                let ks = k.span();
                range.start = range.start.min(ks.start);
                range.end = range.end.max(ks.end);
                extent(v, range);
            }
        }
        DeValue::Array(items) => items.iter().for_each(|v| extent(v, range)),
        _ => {}
    }
}

fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Float(f) => f.as_str().parse().ok(),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|i| i as f64),
        _ => None,
    }
}

fn parse_entry(
    path: &std::path::Path,
    kind: Kind,
    id: &Spanned<std::borrow::Cow<'_, str>>,
    value: &Spanned<DeValue<'_>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Entity, Vec<Range<usize>>)> {
    let id_range = id.span();
    let id = id.get_ref().as_ref();
    let DeValue::Table(table) = value.get_ref() else {
        diags.push(Diagnostic::new(
            Code::Registry,
            value.span(),
            format!(
                "entry `{}.{id}` must be a table, not {}",
                kind.as_str(),
                type_name(value.get_ref())
            ),
        ));
        return None;
    };
    let mut valid = true;
    if !is_valid_id(id) {
        diags.push(Diagnostic::new(
            Code::Registry,
            id_range.clone(),
            format!(
                "invalid id `{id}`: an id is lower-case letters, digits and hyphens ([a-z0-9-]+)"
            ),
        ));
        valid = false;
    }

    let mut range = id_range.clone();
    extent(value, &mut range);
    let mut entity = Entity {
        range,
        ..Entity::new(id, kind, path.to_path_buf(), id_range.clone())
    };
    let mut name_span = None;
    let mut alias_spans = Vec::new();
    let mut variant_spans = Vec::new();
    let mut problem = |span: Range<usize>, message: String| {
        diags.push(Diagnostic::new(Code::Registry, span, message));
    };

    for (key, v) in in_file_order(table) {
        let field = key.get_ref().as_ref();
        let span = v.span();
        match (field, v.get_ref()) {
            ("name", DeValue::String(s)) if s.trim().is_empty() => {
                problem(span, "`name` must not be empty".into())
            }
            ("name", DeValue::String(s)) => {
                entity.name = s.to_string();
                name_span = Some(span);
            }
            ("aliases", DeValue::Array(items)) => {
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) if s.trim().is_empty() => {
                            problem(item.span(), "an alias must not be empty".into())
                        }
                        DeValue::String(s) => {
                            entity.aliases.push(s.to_string());
                            alias_spans.push(item.span());
                        }
                        other => problem(
                            item.span(),
                            format!("an alias must be a string, not {}", type_name(other)),
                        ),
                    }
                }
            }
            ("not-mentions", DeValue::Array(items)) => {
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) if s.trim().is_empty() => problem(
                            item.span(),
                            "a not-a-mention phrase must not be empty".into(),
                        ),
                        DeValue::String(s) => entity.not_mentions.push(s.to_string()),
                        other => problem(
                            item.span(),
                            format!(
                                "a not-a-mention phrase must be a string, not {}",
                                type_name(other)
                            ),
                        ),
                    }
                }
            }
            ("not-mentions", other) => problem(
                span,
                format!(
                    "`not-mentions` must be an array of phrases, not {}",
                    type_name(other)
                ),
            ),
            ("variants", DeValue::Table(systems)) => {
                for (system, spelling) in in_file_order(systems) {
                    match spelling.get_ref() {
                        DeValue::String(s) if s.trim().is_empty() => problem(
                            spelling.span(),
                            format!("variant `{}` must not be empty", system.get_ref()),
                        ),
                        DeValue::String(s) => {
                            entity
                                .variants
                                .push((system.get_ref().to_string(), s.to_string()));
                            variant_spans.push(spelling.span());
                        }
                        other => problem(
                            spelling.span(),
                            format!(
                                "variant `{}` must be a string, not {}",
                                system.get_ref(),
                                type_name(other)
                            ),
                        ),
                    }
                }
            }
            ("born" | "died", DeValue::Integer(i)) => set_date(&mut entity, field, i.to_string()),
            ("born" | "died", DeValue::Datetime(d)) => set_date(&mut entity, field, d.to_string()),
            ("born" | "died", DeValue::String(s)) if !s.trim().is_empty() => {
                set_date(&mut entity, field, s.to_string())
            }
            ("region", DeValue::String(s)) => entity.region = Some(s.to_string()),
            ("description", DeValue::String(s)) => entity.description = Some(s.to_string()),
            ("coordinates", DeValue::Array(items)) => {
                let numbers: Vec<Option<f64>> = items.iter().map(|i| number(i.get_ref())).collect();
                match numbers.as_slice() {
                    [Some(lat), Some(lon)] => {
                        let mut ok = true;
                        if !(-90.0..=90.0).contains(lat) {
                            problem(
                                items[0].span(),
                                format!("latitude {lat} is out of range (-90 to 90)"),
                            );
                            ok = false;
                        }
                        if !(-180.0..=180.0).contains(lon) {
                            problem(
                                items[1].span(),
                                format!("longitude {lon} is out of range (-180 to 180)"),
                            );
                            ok = false;
                        }
                        if ok {
                            entity.coordinates = Some((*lat, *lon));
                        }
                    }
                    _ => problem(
                        span,
                        "`coordinates` must be [latitude, longitude], two numbers".into(),
                    ),
                }
            }
            ("aliases", other) => problem(
                span,
                format!(
                    "`aliases` must be an array of strings, not {}",
                    type_name(other)
                ),
            ),
            ("variants", other) => problem(
                span,
                format!(
                    "`variants` must be a table of spellings such as {{ pinyin = \"…\" }}, not {}",
                    type_name(other)
                ),
            ),
            ("born" | "died", other) => problem(
                span,
                format!(
                    "`{field}` must be a year, a date or a string such as \"c. 1900\", not {}",
                    if matches!(other, DeValue::String(_)) {
                        "an empty string"
                    } else {
                        type_name(other)
                    }
                ),
            ),
            ("name" | "region" | "description", other) => problem(
                span,
                format!("`{field}` must be a string, not {}", type_name(other)),
            ),
            ("coordinates", other) => problem(
                span,
                format!(
                    "`coordinates` must be [latitude, longitude], not {}",
                    type_name(other)
                ),
            ),
            (_, DeValue::String(s)) => entity.authority.push((field.to_string(), s.to_string())),
            (_, DeValue::Integer(i)) => entity.authority.push((field.to_string(), i.to_string())),
            (_, other) => problem(
                span,
                format!(
                    "`{field}` is not a known field, so it is an authority id and must be a string, not {}",
                    type_name(other)
                ),
            ),
        }
    }

    let Some(name_span) = name_span else {
        if !table.iter().any(|(k, _)| k.get_ref() == "name") {
            diags.push(Diagnostic::new(
                Code::Registry,
                id_range,
                format!("entry `{}.{id}` has no `name`", kind.as_str()),
            ));
        }
        return None;
    };
    if !valid {
        return None;
    }
    let mut spans = vec![name_span];
    spans.extend(alias_spans);
    spans.extend(variant_spans);
    Some((entity, spans))
}

fn set_date(entity: &mut Entity, field: &str, value: String) {
    if field == "born" {
        entity.born = Some(value);
    } else {
        entity.died = Some(value);
    }
}
