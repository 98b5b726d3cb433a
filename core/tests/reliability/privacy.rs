//! Privacy: personal data (names, phone numbers, ID-card numbers, free-text
//! comments) planted in documents never appears in an error, in `Debug`
//! output, in a redacted export, in the report, or in an engine's response.
//!
//! Every document of every entry point's vectors (tests/vectors/<entry>/) is
//! searched for records holding personal fields, wherever they are nested
//! (an engine request embeds an estate): residents, staff and volunteers
//! (`name`, `phone`), stakeholders (`contact`), ratings and survey responses
//! (`comment`). The planted values are put into every such field, then each
//! document is broken in many ways around them (wrong types at the field, at
//! the record and at the list; unknown and duplicate fields; blank, long and
//! invalid values next to them), and every entry point is run on every
//! result. No output may contain any planted value.

use serde_json::{Map, Value};
use steward::wire::{ENTRIES, call};

/// The planted values and the fragments searched for in outputs.
pub const NAME: &str = "Plantedname Qiu";
pub const PHONE: &str = "13912345678";
pub const ID_NUMBER: &str = "410102198001011234";
pub const COMMENT: &str = "Plantedcomment: my ID card is 410102198001011234, call 13912345678";
pub const FRAGMENTS: [&str; 6] = [
    "Plantedname",
    "Plantedcomment",
    "12345678",
    "1391234",
    "198001011234",
    "4101021980",
];

/// The planted fragments found in `text`.
pub fn leaks(text: &str) -> Vec<&'static str> {
    FRAGMENTS.into_iter().filter(|f| text.contains(f)).collect()
}

/// Personal fields by the key of the list holding the records.
fn personal_fields(list: &str) -> &'static [&'static str] {
    match list {
        "residents" | "staff" | "volunteers" => &["name", "phone"],
        "stakeholders" => &["contact"],
        "ratings" | "survey_responses" => &["comment"],
        _ => &[],
    }
}

fn planted(field: &str) -> Value {
    Value::from(match field {
        "name" => NAME,
        "phone" => PHONE,
        "contact" => ID_NUMBER,
        _ => COMMENT,
    })
}

/// A JSON pointer to a record and the personal fields it holds.
struct Slot {
    record: String,
    list: String,
    fields: &'static [&'static str],
}

/// Plants the values everywhere and returns where the records are.
fn plant(v: &mut Value, pointer: &str, slots: &mut Vec<Slot>) {
    match v {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let here = format!("{pointer}/{key}");
                let fields = personal_fields(key);
                if let (false, Value::Array(items)) = (fields.is_empty(), &mut *child) {
                    for (i, item) in items.iter_mut().enumerate() {
                        if let Value::Object(record) = item {
                            for f in fields {
                                record.insert((*f).to_owned(), planted(f));
                            }
                            slots.push(Slot {
                                record: format!("{here}/{i}"),
                                list: here.clone(),
                                fields,
                            });
                        }
                    }
                }
                plant(child, &here, slots);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                plant(item, &format!("{pointer}/{i}"), slots);
            }
        }
        _ => {}
    }
}

fn with(doc: &Value, pointer: &str, f: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut d = doc.clone();
    f(d.pointer_mut(pointer).expect("the pointer exists"));
    serde_json::to_vec(&d).unwrap()
}

/// The broken variants of a planted document.
fn variants(doc: &Value, slots: &[Slot]) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![("planted".to_owned(), serde_json::to_vec(doc).unwrap())];
    let text = serde_json::to_string(doc).unwrap();
    for slot in slots {
        let r = &slot.record;
        for f in slot.fields {
            let field = format!("{r}/{f}");
            let wrong: [(&str, Value); 5] = [
                ("array", Value::from(vec![planted(f)])),
                (
                    "object",
                    Value::Object(Map::from_iter([(String::from("v"), planted(f))])),
                ),
                ("number", Value::from(13_912_345_678_u64)),
                ("blank", Value::from("  ")),
                (
                    "long",
                    Value::from(format!(
                        "{} {}",
                        planted(f).as_str().unwrap(),
                        "x".repeat(300)
                    )),
                ),
            ];
            for (what, value) in wrong {
                out.push((format!("{field} {what}"), with(doc, &field, |v| *v = value)));
            }
        }
        out.push((
            format!("{r} in an array"),
            with(doc, r, |v| *v = Value::from(vec![v.clone()])),
        ));
        out.push((
            format!("{r} as a string"),
            with(doc, r, |v| {
                *v = Value::from(format!("{NAME} {PHONE} {ID_NUMBER}"))
            }),
        ));
        out.push((
            format!("{r} unknown field"),
            with(doc, r, |v| {
                v.as_object_mut()
                    .unwrap()
                    .insert("colour".into(), Value::from(1));
            }),
        ));
        out.push((
            format!("{r} unknown field holding personal data"),
            with(doc, r, |v| {
                v.as_object_mut()
                    .unwrap()
                    .insert("note".into(), Value::from(COMMENT));
            }),
        ));
        out.push((
            format!("{r} without id"),
            with(doc, r, |v| {
                v.as_object_mut().unwrap().remove("id");
            }),
        ));
        out.push((
            format!("{r} bad id"),
            with(doc, r, |v| {
                v.as_object_mut()
                    .unwrap()
                    .insert("id".into(), Value::from("not an id!"));
            }),
        ));
        out.push((
            format!("{} as an object", slot.list),
            with(doc, &slot.list, |v| {
                *v = Value::Object(Map::from_iter([(String::from("x"), v.clone())]));
            }),
        ));
    }
    // Text-level damage next to planted values.
    for (f, value) in [("name", NAME), ("phone", PHONE), ("comment", COMMENT)] {
        let needle = format!("\"{f}\":{}", serde_json::to_string(value).unwrap());
        if let Some(at) = text.find(&needle) {
            out.push((
                format!("duplicate {f}"),
                text.replacen(&needle, &format!("{needle},{needle}"), 1)
                    .into_bytes(),
            ));
            out.push((
                format!("truncated in {f}"),
                text.as_bytes()[..at + needle.len() - 3].to_vec(),
            ));
            out.push((
                format!("bad escape in {f}"),
                text.replacen(&needle, &needle.replacen("Planted", "Plan\\qted", 1), 1)
                    .into_bytes(),
            ));
            let mut bytes = text.clone().into_bytes();
            bytes[at + needle.len() - 2] = 0xff;
            out.push((format!("not UTF-8 in {f}"), bytes));
        }
    }
    out
}

#[test]
fn planted_personal_data_never_appears_in_errors_or_engine_responses() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for (entry, _) in ENTRIES {
        let folder = crate::repo_tests().join("vectors").join(entry);
        let mut cases: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        cases.sort();
        for case in cases {
            let Ok(mut doc) = serde_json::from_slice::<Value>(&std::fs::read(&case).unwrap())
            else {
                continue;
            };
            let mut slots = Vec::new();
            plant(&mut doc, "", &mut slots);
            if slots.is_empty() {
                continue;
            }
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            for (what, bytes) in variants(&doc, &slots) {
                // Through the entry the document was written for (others
                // stop at the first field they do not know).
                for target in [entry] {
                    let (kind, text) = match call(target, &bytes) {
                        Err(e) => ("error", e.to_json()),
                        // The estate entry returns the estate itself: its
                        // owner's data, not an export.
                        Ok(_) if *target == "estate" => continue,
                        Ok(response) => ("response", response),
                    };
                    checked += 1;
                    let found = leaks(&text);
                    if !found.is_empty() {
                        let at = text.find(found[0]).unwrap();
                        let from = text[..at]
                            .char_indices()
                            .rev()
                            .nth(60)
                            .map_or(0, |(i, _)| i);
                        failures.push(format!(
                            "{entry}/{name} [{what}] through {target}: {kind} has {found:?}: …{}…",
                            &text[from..(at + 40).min(text.len())]
                        ));
                    }
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} outputs checked");
    eprintln!(
        "privacy: {checked} outputs of {} entry points checked",
        ENTRIES.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} outputs leak planted personal data:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn planted_personal_data_stays_out_of_debug_exports_the_report_and_store_errors() {
    let mut doc: Value = serde_json::from_str(&crate::base_json()).unwrap();
    plant(&mut doc, "", &mut Vec::new());
    let estate = steward::Estate::from_json(&doc.to_string()).unwrap();
    assert!(
        !leaks(&estate.to_json()).is_empty(),
        "the values were planted"
    );

    assert_eq!(leaks(&format!("{estate:?}")), Vec::<&str>::new(), "Debug");
    assert_eq!(
        leaks(&estate.redacted().to_json()),
        Vec::<&str>::new(),
        "redacted()"
    );
    let report = steward::report::Report::standard()
        .render(&estate, steward::demo::now())
        .unwrap();
    assert_eq!(leaks(&report), Vec::<&str>::new(), "report");

    // Store errors: a conflicting comment, a rating and a response that break
    // rules, an order whose event names unknown staff.
    let mut store = steward::Store::open_in_memory().unwrap();
    store.save_estate(&estate).unwrap();
    let mut errors = Vec::new();
    let mut changed = estate.clone();
    changed.ratings[0].comment = Some(steward::Personal::new(format!("{COMMENT}!")));
    errors.push(store.save_estate(&changed).unwrap_err());
    let mut changed = estate.clone();
    changed.residents[0].name = steward::Personal::new(" ");
    errors.push(store.save_estate(&changed).unwrap_err());
    let mut rating = estate.ratings[0].clone();
    errors.push(store.add_rating(&estate.id, &rating).unwrap_err());
    rating.id = steward::RatingId::new("RT-new").unwrap();
    rating.score = 9;
    errors.push(store.add_rating(&estate.id, &rating).unwrap_err());
    let mut response = estate.survey_responses[0].clone();
    response.id = steward::SurveyResponseId::new("SR-new").unwrap();
    response.building = steward::BuildingId::new("B99").unwrap();
    errors.push(
        store
            .add_survey_response(&estate.id, &response)
            .unwrap_err(),
    );
    let orders = estate.work_orders.clone();
    errors.push(store.add_work_order(&estate.id, &orders[0]).unwrap_err());
    for e in &errors {
        assert_eq!(leaks(&e.to_json()), Vec::<&str>::new(), "{e}");
        assert_eq!(leaks(&format!("{e:?}")), Vec::<&str>::new(), "{e:?}");
    }
}
