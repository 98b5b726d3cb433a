//! The JSON document contract shared by Rust, C and Python.
//!
//! Every document crossing a boundary is parsed here, so a bad document gets
//! the same typed error in every language: the field path (`buildings[2].floors`),
//! the offending value rendered as compact JSON, an [`IssueCode`] and a sentence.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{Error, Issue, IssueCode, Result};

/// Largest document accepted, in bytes (64 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// Renders a string as a JSON string literal (`"B9"`), cut to 80 characters.
pub fn render_str(s: &str) -> String {
    crate::error::truncate_value(serde_json::to_string(s).unwrap_or_default())
}

/// Parses a JSON document into `T`.
///
/// `what` names the document in messages ("estate", "dispatch request").
///
/// # Errors
/// `invalid_input` with one issue: syntax errors carry line and column; type
/// errors, unknown fields, unknown enum values, missing fields and bad values
/// carry the field path and the offending value.
///
/// ```
/// let err = steward::wire::from_json::<steward::Building>(
///     r#"{"id": "B1", "name": "One", "floors": "six"}"#, "building").unwrap_err();
/// let issue = &err.issues()[0];
/// assert_eq!((issue.path.as_str(), issue.value.as_str()), ("floors", "\"six\""));
/// assert_eq!(issue.code, steward::IssueCode::InvalidType);
/// assert_eq!(issue.message, "invalid type: string \"six\", expected u16");
/// ```
pub fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(what, text.len()));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let (path, inner) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => match de.end() {
            Ok(()) => return Ok(v),
            Err(e) => (String::new(), e),
        },
        Err(e) => (render_path(e.path()), e.into_inner()),
    };
    let full = inner.to_string();
    let mut message = strip_position(&full).to_owned();
    let (code, path, value) = if inner.is_syntax() || inner.is_eof() {
        (
            IssueCode::Syntax,
            String::new(),
            format!("line {} column {}", inner.line(), inner.column()),
        )
    } else {
        let code = classify(&message);
        let root = serde_json::from_str::<Value>(text).ok();
        let mut path = path;
        let mut value = root.as_ref().and_then(|r| lookup(r, &path));
        // Internally tagged enums report an unknown field at the object itself:
        // point at the field, as for plain structs.
        if code == IssueCode::UnknownField
            && let Some(field) = message.split('`').nth(1)
            && let Some(inner) = value.and_then(|v| v.get(field))
        {
            path = if path.is_empty() {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            };
            value = Some(inner);
        }
        // A missing or repeated field is reported at its object: point at the field.
        if matches!(code, IssueCode::MissingField | IssueCode::DuplicateField)
            && let Some(field) = message.split('`').nth(1)
        {
            path = if path.is_empty() {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            };
            value = root.as_ref().and_then(|r| lookup(r, &path));
        }
        let personal = is_personal_path(&path, value)
            || (code == IssueCode::UnknownField && in_personal_record(&path))
            || value.is_some_and(holds_personal);
        if personal {
            message = redact_message(&message, code);
        }
        // serde accepts an array for a struct; say plainly that an object was expected.
        let mut code = code;
        if matches!(code, IssueCode::InvalidLength | IssueCode::InvalidType)
            && let Some(i) = message.find("expected struct ")
        {
            let name = message[i + "expected struct ".len()..]
                .split(' ')
                .next()
                .unwrap_or("")
                .to_owned();
            let found = value.map_or("value", json_kind);
            message = format!("invalid type: {found}, expected an object ({name})");
            code = IssueCode::InvalidType;
        }
        let value = match code {
            IssueCode::MissingField => String::new(),
            _ if personal => crate::REDACTED.to_owned(),
            _ => value.map(render_value).unwrap_or_default(),
        };
        (code, path, value)
    };
    // An attacker's megabyte-long key or string must not become a
    // megabyte-long error: cut what the path and message quote, like values.
    Err(Error::invalid(
        what,
        vec![Issue::new(
            cut_path(&path),
            value,
            code,
            cut_quoted(&message),
        )],
    ))
}

/// The error for a document over [`MAX_DOCUMENT_BYTES`].
fn too_large(what: &str, len: usize) -> Error {
    Error::invalid(
        what,
        vec![Issue::new(
            "",
            String::new(),
            IssueCode::OutOfRange,
            format!("document is {len} bytes; the limit is {MAX_DOCUMENT_BYTES}"),
        )],
    )
}

/// The error for a document whose bytes are not UTF-8.
///
/// ```
/// let bytes = b"{\"id\": \"\xff\"}";
/// let err = steward::wire::from_json_bytes::<steward::Estate>(bytes, "estate").unwrap_err();
/// assert_eq!(err.issues()[0].code, steward::IssueCode::InvalidUtf8);
/// assert_eq!(err.issues()[0].value, "byte 8");
/// ```
pub fn utf8_error(what: &str, e: std::str::Utf8Error) -> Error {
    Error::invalid(
        what,
        vec![Issue::new(
            "",
            format!("byte {}", e.valid_up_to()),
            IssueCode::InvalidUtf8,
            format!(
                "document is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )],
    )
}

/// Parses a JSON document given as bytes: checks UTF-8, then as [`from_json`].
///
/// Boundaries (C, Python) that receive raw bytes call this, so a non-UTF-8
/// document gets the same error in every language.
///
/// # Errors
/// `invalid_input` with an `invalid_utf8` issue, or as [`from_json`].
pub fn from_json_bytes<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    // The size first: a huge document is refused without reading it.
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(what, bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| utf8_error(what, e))?;
    from_json(text, what)
}

/// A document entry point: request bytes in, response JSON out.
pub type Entry = fn(&[u8]) -> Result<String>;

/// Every document entry point, by name. The same table serves Rust
/// ([`call`]), C (`steward_call`) and Python (`steward.call`), and the shared
/// vectors in `tests/vectors/<name>/` are run through it in all three.
pub const ENTRIES: &[(&str, Entry)] = &[
    ("estate", estate_entry),
    ("dispatch.rank", crate::dispatch::rank_entry),
    ("dispatch.assign", crate::dispatch::assign_entry),
    ("dispatch.candidates", crate::dispatch::candidates_entry),
    ("dispatch.follow_ups", crate::dispatch::follow_ups_entry),
    ("dispatch.lsa", crate::dispatch::lsa_entry),
    ("satisfaction.score", crate::satisfaction::score_entry),
    ("roster.solve", crate::roster::solve_entry),
    ("roster.evaluate", crate::roster::evaluate_entry),
    ("roster.repair", crate::roster::repair_entry),
    ("roster.nsp_import", crate::roster::nsp_import_entry),
];

fn estate_entry(document: &[u8]) -> Result<String> {
    crate::Estate::from_json_bytes(document).map(|e| e.to_json())
}

/// Runs a document entry point by name.
///
/// Every engine is reachable this way as "request document in, response
/// document out"; `estate` validates an estate and returns it normalised.
///
/// # Errors
/// `not_found` for an unknown entry name; otherwise whatever the entry returns.
///
/// ```
/// let out = steward::wire::call("estate", br#"{"id": "e", "name": "E",
///     "company": {"name": "C", "branch": "B"}}"#)?;
/// assert!(out.starts_with(r#"{"id":"e","name":"E","utc_offset":"+08:00""#));
/// let err = steward::wire::call("horoscope", b"{}").unwrap_err();
/// assert!(err.message().starts_with(r#"no document entry point named "horoscope"; known: estate"#));
/// # Ok::<(), steward::Error>(())
/// ```
pub fn call(entry: &str, document: &[u8]) -> Result<String> {
    match ENTRIES.iter().find(|(name, _)| *name == entry) {
        Some((_, run)) => run(document),
        None => Err(Error::new(
            crate::ErrorKind::NotFound,
            format!(
                "no document entry point named {entry:?}; known: {}",
                ENTRIES
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// Serde adapter for maps keyed by an enum (`{"P1": …}`): reads the keys as
/// strings first so that an error inside a value names its key in the field
/// path (`classes.P1.respond_minutes`, not `classes.?.respond_minutes`), then
/// parses each key; an unknown key names itself in the message.
pub mod enum_keys {
    use std::collections::BTreeMap;
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{DeserializeOwned, Error as _, MapAccess, Visitor};
    use serde::{Deserialize, Deserializer};

    /// Reads a map with enum keys.
    pub fn deserialize<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        D: Deserializer<'de>,
        K: DeserializeOwned + Ord,
        V: Deserialize<'de>,
    {
        d.deserialize_map(KeyedMap(PhantomData))
    }

    struct KeyedMap<K, V>(PhantomData<(K, V)>);

    impl<'de, K, V> Visitor<'de> for KeyedMap<K, V>
    where
        K: DeserializeOwned + Ord,
        V: Deserialize<'de>,
    {
        type Value = BTreeMap<K, V>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                let parsed = K::deserialize(serde::de::value::StrDeserializer::<
                    serde::de::value::Error,
                >::new(&key))
                .map_err(|e| A::Error::custom(e.to_string()))?;
                let value = map.next_value::<V>()?;
                out.insert(parsed, value);
            }
            Ok(out)
        }
    }
}

/// Serde adapter for timestamps: RFC 3339 with an explicit offset, and an
/// error that shows the expected form.
pub mod timestamp {
    use chrono::{DateTime, FixedOffset};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `2022-12-14T08:30:00+08:00`.
    pub fn serialize<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339())
    }

    /// Reads an RFC 3339 timestamp with offset.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s).map_err(|e| {
            serde::de::Error::custom(format!(
                "invalid value: expected an RFC 3339 timestamp with offset such as \"2022-12-14T08:30:00+08:00\", found {s:?} ({e})"
            ))
        })
    }
}

/// Serde adapter for calendar dates, `YYYY-MM-DD`, with an error that shows the form.
pub mod date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `2022-04-10`.
    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&d.format("%Y-%m-%d"))
    }

    /// Reads `YYYY-MM-DD`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }

    pub(crate) fn parse(s: &str) -> Result<NaiveDate, String> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|_| s.len() == 10)
            .ok_or_else(|| format!("invalid value: expected a date \"YYYY-MM-DD\", found {s:?}"))
    }

    /// The same for optional dates.
    pub mod option {
        use chrono::NaiveDate;
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes `2022-04-10` or null.
        pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.collect_str(&d.format("%Y-%m-%d")),
                None => s.serialize_none(),
            }
        }

        /// Reads `YYYY-MM-DD` or null.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
            match Option::<String>::deserialize(d)? {
                Some(s) => super::parse(&s).map(Some).map_err(serde::de::Error::custom),
                None => Ok(None),
            }
        }
    }
}

/// Serialises a value as compact JSON.
pub fn to_json<T: Serialize>(value: &T) -> String {
    // Serialising our own model types cannot fail: every map key is a string.
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
}

/// Lists whose records hold personal data (names, phone numbers, contacts,
/// comments), wherever they are nested (an engine request embeds an estate).
const PERSONAL_LISTS: [&str; 6] = [
    "residents",
    "staff",
    "volunteers",
    "stakeholders",
    "ratings",
    "survey_responses",
];

/// Fields that are personal data in any record.
const PERSONAL_FIELDS: [&str; 3] = ["phone", "comment", "contact"];

/// A path segment (`residents[3]`) as its key and whether it is indexed.
fn segment(seg: &str) -> (&str, bool) {
    match seg.split_once('[') {
        Some((key, _)) => (key, true),
        None => (seg, false),
    }
}

/// Whether the value at `path` is personal data, or a record or list of
/// records that holds some, so that it must not be echoed.
fn is_personal_path(path: &str, value: Option<&Value>) -> bool {
    let segs: Vec<(&str, bool)> = path.split('.').map(segment).collect();
    let Some(&(last, indexed)) = segs.last() else {
        return false;
    };
    let composite = value.is_some_and(|v| v.is_array() || v.is_object());
    PERSONAL_FIELDS.contains(&last)
        // a person's name: `residents[2].name`, `estate.staff[0].name`
        || (last == "name"
            && segs.len() >= 2
            && matches!(segs[segs.len() - 2], ("residents" | "staff" | "volunteers", true)))
        // a record (`residents[2]`) or a list of them given as something else
        || (PERSONAL_LISTS.contains(&last) && (indexed || composite))
}

/// Whether `path` lies inside a record that holds personal data.
fn in_personal_record(path: &str) -> bool {
    path.split('.')
        .map(segment)
        .any(|(key, indexed)| indexed && PERSONAL_LISTS.contains(&key))
}

/// Whether a value holds personal data at any depth (a list of residents, a
/// phone number…).
fn holds_personal(v: &Value) -> bool {
    match v {
        Value::Object(map) => map.iter().any(|(k, child)| {
            PERSONAL_FIELDS.contains(&k.as_str())
                || (PERSONAL_LISTS.contains(&k.as_str()) && (child.is_array() || child.is_object()))
                || holds_personal(child)
        }),
        Value::Array(items) => items.iter().any(holds_personal),
        _ => false,
    }
}

/// Serde's message without the value it quotes: `invalid type: <redacted>,
/// expected a string`, `unknown variant <redacted>, expected one of …`.
fn redact_message(message: &str, code: IssueCode) -> String {
    let expected = message.find(", expected").map_or("", |i| &message[i..]);
    match code {
        IssueCode::InvalidType | IssueCode::InvalidValue | IssueCode::InvalidLength => {
            let kind = message.split(':').next().unwrap_or("invalid value");
            format!("{kind}: {}{expected}", crate::REDACTED)
        }
        IssueCode::UnknownVariant => format!("unknown variant {}{expected}", crate::REDACTED),
        // Field names, positions and counts: no value to hide.
        _ => message.to_owned(),
    }
}

/// The path with every key longer than [`MAX_VALUE_CHARS`](crate::MAX_VALUE_CHARS)
/// characters cut (ending in `…`).
fn cut_path(path: &str) -> String {
    if path.len() <= crate::MAX_VALUE_CHARS {
        return path.to_owned();
    }
    path.split('.')
        .map(|seg| {
            let (key, rest) = seg.split_at(seg.find('[').unwrap_or(seg.len()));
            format!("{}{rest}", crate::error::truncate_value(key.to_owned()))
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The message with every quoted span (`` `…` `` or `"…"`) longer than
/// [`MAX_VALUE_CHARS`](crate::MAX_VALUE_CHARS) characters cut (ending in `…`).
fn cut_quoted(message: &str) -> String {
    let max = crate::MAX_VALUE_CHARS;
    if message.chars().count() <= 2 * max {
        return message.to_owned();
    }
    let mut out = String::with_capacity(message.len().min(8 * max));
    let mut quote: Option<char> = None;
    let (mut inside, mut escaped) = (0usize, false);
    for c in message.chars() {
        match quote {
            None => {
                if c == '`' || c == '"' {
                    quote = Some(c);
                    inside = 0;
                }
                out.push(c);
            }
            Some(q) => {
                let closing = c == q && !escaped;
                escaped = c == '\\' && !escaped;
                if closing {
                    quote = None;
                    out.push(c);
                    continue;
                }
                inside += 1;
                if inside < max {
                    out.push(c);
                } else if inside == max {
                    out.push('…');
                }
            }
        }
    }
    out
}

fn render_path(path: &serde_path_to_error::Path) -> String {
    let s = path.to_string();
    if s == "." { String::new() } else { s }
}

fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => &message[..i],
        _ => message,
    }
}

fn classify(message: &str) -> IssueCode {
    const PREFIXES: [(&str, IssueCode); 9] = [
        ("invalid type", IssueCode::InvalidType),
        ("invalid value", IssueCode::InvalidValue),
        ("unknown field", IssueCode::UnknownField),
        ("unknown variant", IssueCode::UnknownVariant),
        ("missing field", IssueCode::MissingField),
        ("invalid length", IssueCode::InvalidLength),
        ("duplicate field", IssueCode::DuplicateField),
        ("out of range", IssueCode::OutOfRange),
        ("premature end", IssueCode::Syntax),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| message.starts_with(p))
        .map_or(IssueCode::InvalidValue, |(_, c)| *c)
}

/// Finds the value at a rendered path such as `a.b[3].c`.
fn lookup<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = root;
    if path.is_empty() {
        return Some(cur);
    }
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            cur = cur.get(key)?;
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            let n: usize = idx.trim_end_matches(']').parse().ok()?;
            cur = cur.get(n)?;
        }
    }
    Some(cur)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn render_value(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Estate;

    fn issue(text: &str) -> Issue {
        let err = from_json::<Estate>(text, "estate").unwrap_err();
        assert_eq!(err.issues().len(), 1);
        err.issues()[0].clone()
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let i = issue("{\n  \"id\": ");
        assert_eq!(i.code, IssueCode::Syntax);
        assert_eq!(i.path, "");
        assert_eq!(i.value, "line 2 column 8");
        assert_eq!(i.message, "EOF while parsing a value");
    }

    #[test]
    fn unknown_fields_name_their_path() {
        let i = issue(
            r#"{"id": "e", "name": "n", "company": {"name": "c", "branch": "b", "ceo": "x"}}"#,
        );
        assert_eq!(i.code, IssueCode::UnknownField);
        assert_eq!(i.path, "company.ceo");
        assert_eq!(i.value, "\"x\"");
    }

    #[test]
    fn missing_fields_have_no_value() {
        let i = issue(r#"{"id": "e", "company": {"name": "c", "branch": "b"}}"#);
        assert_eq!(i.code, IssueCode::MissingField);
        assert_eq!(i.message, "missing field `name`");
        assert_eq!(i.value, "");
    }

    #[test]
    fn trailing_garbage_is_a_syntax_error() {
        let i = issue(r#"{"id": "e", "name": "n", "company": {"name": "c", "branch": "b"}} x"#);
        assert_eq!(i.code, IssueCode::Syntax);
    }

    #[test]
    fn personal_values_are_not_echoed() {
        let i = issue(
            r#"{"id": "e", "name": "n", "company": {"name": "c", "branch": "b"},
            "residents": [{"id": "R1", "household": "H1", "name": "Wang", "phone": 13800000000, "role": "owner"}]}"#,
        );
        assert_eq!(i.path, "residents[0].phone");
        assert_eq!(i.value, "<redacted>");
        assert_eq!(i.message, "invalid type: <redacted>, expected a string");
    }

    #[test]
    fn personal_values_are_not_echoed_when_nested_or_whole_records() {
        let estate = r#"{"id": "e", "name": "n", "company": {"name": "c", "branch": "b"}, "residents": RES}"#;
        let resident = r#"{"id": "R1", "household": "H1", "name": "Wang Fang", "phone": "13912345678", "role": "owner"}"#;
        let doc = |res: &str| estate.replace("RES", res);
        // The record given as a string, wrapped in an array, or the list as an object.
        for (text, path) in [
            (doc("[\"Wang Fang 13912345678\"]"), "residents[0]"),
            // serde reads an array as a struct: the resident is then its first field
            (doc(&format!("[[{resident}]]")), "residents[0][0]"),
            (doc(&format!("{{\"x\": {resident}}}")), "residents"),
            (doc(resident), "residents"),
        ] {
            let i = issue(&text);
            assert_eq!(i.path, path, "{text}");
            assert_eq!(i.value, crate::REDACTED, "{text}");
            assert!(
                !i.message.contains("Wang") && !i.message.contains("1391234"),
                "{}",
                i.message
            );
        }
        // An unknown field inside a resident: its value may be anything.
        let i = issue(&doc(&format!(
            "[{}]",
            resident.replace("\"role\"", "\"note\": \"Wang Fang\", \"role\"")
        )));
        assert_eq!(
            (i.path.as_str(), i.value.as_str()),
            ("residents[0].note", crate::REDACTED)
        );
        // Nested in a request: `estate.residents[0].name`.
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Request {
            estate: Estate,
        }
        let text = format!(
            r#"{{"estate": {}}}"#,
            doc(&format!(
                "[{}]",
                resident.replace("\"Wang Fang\"", "13912345678")
            ))
        );
        let err = from_json::<Request>(&text, "request").unwrap_err();
        let i = &err.issues()[0];
        assert_eq!(i.path, "estate.residents[0].name");
        assert_eq!(i.value, crate::REDACTED);
        assert_eq!(i.message, "invalid type: <redacted>, expected a string");
        assert!(!err.message().contains("1391234"), "{err}");
    }

    #[test]
    fn long_keys_and_strings_are_cut_in_paths_and_messages() {
        let long = "k".repeat(100_000);
        let i = issue(&format!(
            r#"{{"id": "e", "name": "n", "company": {{"name": "c", "branch": "b"}}, "{long}": 1}}"#
        ));
        assert_eq!(i.code, IssueCode::UnknownField);
        assert_eq!(i.path.chars().count(), crate::MAX_VALUE_CHARS);
        assert!(i.path.ends_with('…'));
        assert!(i.message.len() < 1000, "{}", i.message.len());
        assert!(i.message.starts_with("unknown field `kkk"));
        let i = issue(&format!(
            r#"{{"id": "e", "name": "n", "company": {{"name": "c", "branch": "b"}},
                "buildings": [{{"id": "B1", "name": "One", "floors": "{long}"}}]}}"#
        ));
        assert_eq!(i.path, "buildings[0].floors");
        assert!(i.message.len() < 1000, "{}", i.message.len());
        assert!(i.message.ends_with("…\", expected u16"), "{}", i.message);
    }

    #[test]
    fn a_huge_document_is_refused_before_utf8_is_checked() {
        let mut doc = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        doc[10] = 0xff;
        let err = from_json_bytes::<Estate>(&doc, "estate").unwrap_err();
        assert_eq!(err.issues()[0].code, IssueCode::OutOfRange);
    }

    #[test]
    fn lookup_walks_arrays_and_objects() {
        let v: Value = serde_json::from_str(r#"{"a": [{"b": 1}, {"b": [5, 6]}]}"#).unwrap();
        assert_eq!(lookup(&v, "a[1].b[1]"), Some(&Value::from(6)));
        assert_eq!(lookup(&v, "a[7]"), None);
    }
}
