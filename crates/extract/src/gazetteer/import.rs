//! Actors from outside `data/actors/`: another TOML file in the same schema, a CSV file, or
//! the UN Security Council consolidated sanctions list (XML).
//!
//! The functions return actors checked on their own (kinds, languages, dates); checks against
//! the rest of the gazetteer (duplicate ids, posts, organisations, shared names) happen in
//! [`Gazetteer::add_actors`](super::Gazetteer::add_actors).

use std::collections::BTreeMap;
use std::path::Path;

use entente_core::{Actor, ActorKind};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::schema::{parse_actors, parse_kind};
use super::{GazetteerError, LANGS};

fn read(path: &Path) -> Result<String, GazetteerError> {
    std::fs::read_to_string(path).map_err(|source| GazetteerError::Io {
        file: path.display().to_string(),
        source,
    })
}

/// Actors from a TOML file in the `data/actors/` schema.
pub fn import_toml(path: impl AsRef<Path>) -> Result<Vec<Actor>, GazetteerError> {
    let path = path.as_ref();
    let text = read(path)?;
    Ok(parse_actors(&path.display().to_string(), &text)?
        .into_iter()
        .map(|p| p.actor)
        .collect())
}

/// Actors from a CSV file with a header row. Required columns: `id`, `kind`, `name_en`,
/// `lang`, `name`; optional: `country`, `wikidata`, `note`. One row per name: rows sharing an
/// `id` are one actor (their `kind` and `name_en` must agree); `lang` and `name` may be empty
/// on a row that only declares the actor.
pub fn import_csv(path: impl AsRef<Path>) -> Result<Vec<Actor>, GazetteerError> {
    let path = path.as_ref();
    let file = path.display().to_string();
    let text = read(path)?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let err = |line: usize, message: String| GazetteerError::Csv {
        file: file.clone(),
        line,
        message,
    };
    let headers = rdr.headers().map_err(|e| err(1, e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let need = |name: &str| col(name).ok_or_else(|| err(1, format!("missing column `{name}`")));
    let (c_id, c_kind, c_en, c_lang, c_name) = (
        need("id")?,
        need("kind")?,
        need("name_en")?,
        need("lang")?,
        need("name")?,
    );
    let (c_country, c_wd, c_note) = (col("country"), col("wikidata"), col("note"));
    let mut out: Vec<Actor> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
            err(line, e.to_string())
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        let get = |c: usize| rec.get(c).unwrap_or("").trim();
        let opt = |c: Option<usize>| c.map(get).filter(|s| !s.is_empty()).map(str::to_string);
        let id = get(c_id);
        if id.is_empty() {
            return Err(err(line, "empty `id`".into()));
        }
        let kind = parse_kind(get(c_kind)).ok_or_else(|| {
            err(
                line,
                format!("column `kind`: unknown kind `{}`", get(c_kind)),
            )
        })?;
        let name_en = get(c_en);
        if name_en.is_empty() {
            return Err(err(line, "empty `name_en`".into()));
        }
        let idx = match out.iter().position(|a| a.id == id) {
            Some(i) => {
                if out[i].kind != kind || out[i].name_en != name_en {
                    return Err(err(
                        line,
                        format!("`{id}`: kind or name_en differ from an earlier row"),
                    ));
                }
                i
            }
            None => {
                out.push(Actor {
                    id: id.to_string(),
                    kind,
                    name_en: name_en.to_string(),
                    names: BTreeMap::new(),
                    aliases: BTreeMap::new(),
                    wikidata: opt(c_wd),
                    country: opt(c_country),
                    located_in: None,
                    died: None,
                    positions: Vec::new(),
                    un_designation: None,
                    note: opt(c_note),
                });
                out.len() - 1
            }
        };
        let (lang, name) = (get(c_lang), get(c_name));
        match (lang.is_empty(), name.is_empty()) {
            (true, true) => {}
            (false, false) => {
                if !LANGS.contains(&lang) {
                    return Err(err(
                        line,
                        format!("column `lang`: unknown language tag `{lang}`"),
                    ));
                }
                let v = out[idx].names.entry(lang.to_string()).or_default();
                if !v.iter().any(|n| n == name) {
                    v.push(name.to_string());
                }
            }
            _ => return Err(err(line, "`lang` and `name` go together".into())),
        }
    }
    Ok(out)
}

/// One INDIVIDUAL or ENTITY record being read.
#[derive(Default)]
struct Record {
    dataid: String,
    name_parts: [String; 4],
    list_type: String,
    reference: String,
    listed_on: String,
    aliases: Vec<(String, String)>,
    alias_quality: String,
    alias_name: String,
    original_script: String,
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// UN-designated persons and entities of one regime (`list_type`, e.g. `"DPRK"`) from the UN
/// Security Council consolidated list XML. Each becomes an actor: id = reference number
/// (`KPi.066`, `KPe.001`), kind person or organization, `name_en` = the name parts joined with
/// stray spaces trimmed, every alias an `en` name (qualities Good / Low / a.k.a. kept in the
/// note), `un_designation` = the reference number, listing date in the note, country from the
/// regime (`DPRK` → `KP`).
pub fn import_un_consolidated(
    xml_path: impl AsRef<Path>,
    list_type: &str,
) -> Result<Vec<Actor>, GazetteerError> {
    let path = xml_path.as_ref();
    let file = path.display().to_string();
    let text = read(path)?;
    let mut reader = Reader::from_str(&text);
    reader.config_mut().trim_text(false);
    let xml_err = |element: &str, message: String| GazetteerError::Xml {
        file: file.clone(),
        element: element.to_string(),
        message,
    };
    let country = match list_type {
        "DPRK" => Some("KP".to_string()),
        _ => None,
    };
    let mut stack: Vec<String> = Vec::new();
    let mut rec: Option<(ActorKind, Record)> = None;
    let mut out = Vec::new();
    let mut text_buf = String::new();
    loop {
        let ev = reader.read_event().map_err(|e| {
            xml_err(
                stack
                    .last()
                    .map(|s| s.as_str())
                    .unwrap_or("CONSOLIDATED_LIST"),
                format!("at byte {}: {e}", reader.buffer_position()),
            )
        })?;
        match ev {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                match name.as_str() {
                    "INDIVIDUAL" => rec = Some((ActorKind::Person, Record::default())),
                    "ENTITY" => rec = Some((ActorKind::Organization, Record::default())),
                    _ => {}
                }
                stack.push(name);
                text_buf.clear();
            }
            Event::Text(t) => text_buf.push_str(&t.xml10_content()),
            Event::CData(t) => text_buf.push_str(&t.into_inner()),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text_buf.push(c);
                } else {
                    text_buf.push_str(match r.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "apos" => "'",
                        "quot" => "\"",
                        _ => "",
                    });
                }
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_string();
                stack.pop();
                let value = clean(&text_buf);
                text_buf.clear();
                let parent = stack.last().map(|s| s.as_str()).unwrap_or("");
                if let Some((_, r)) = rec.as_mut() {
                    match name.as_str() {
                        "DATAID" => r.dataid = value,
                        "FIRST_NAME" => r.name_parts[0] = value,
                        "SECOND_NAME" => r.name_parts[1] = value,
                        "THIRD_NAME" => r.name_parts[2] = value,
                        "FOURTH_NAME" => r.name_parts[3] = value,
                        "UN_LIST_TYPE" => r.list_type = value,
                        "REFERENCE_NUMBER" => r.reference = value,
                        "LISTED_ON" => r.listed_on = value,
                        "NAME_ORIGINAL_SCRIPT" => r.original_script = value,
                        "QUALITY" if parent.ends_with("_ALIAS") => r.alias_quality = value,
                        "ALIAS_NAME" if parent.ends_with("_ALIAS") => r.alias_name = value,
                        "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => {
                            let n = std::mem::take(&mut r.alias_name);
                            let q = std::mem::take(&mut r.alias_quality);
                            let n =
                                clean(n.trim_matches(|c: char| c == '"' || c == '“' || c == '”'));
                            if !n.is_empty() {
                                r.aliases.push((q, n));
                            }
                        }
                        _ => {}
                    }
                }
                if (name == "INDIVIDUAL" || name == "ENTITY")
                    && let Some((kind, r)) = rec.take()
                    && r.list_type == list_type
                {
                    out.push(
                        record_to_actor(kind, r, &name, country.clone())
                            .map_err(|m| xml_err(&name, m))?,
                    );
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// "KIM JONG SIK" → "Kim Jong Sik", "JO YONG-WON" → "Jo Yong-won"; words with a lower-case
/// letter are left as they are.
fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            if w.chars().any(char::is_lowercase) {
                return w.to_string();
            }
            let mut out = String::with_capacity(w.len());
            let mut first = true;
            for c in w.chars() {
                if first && c.is_alphabetic() {
                    out.extend(c.to_uppercase());
                    first = false;
                } else {
                    out.extend(c.to_lowercase());
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn record_to_actor(
    kind: ActorKind,
    r: Record,
    element: &str,
    country: Option<String>,
) -> Result<Actor, String> {
    let what = || format!("{element} with DATAID {}", r.dataid);
    if r.reference.is_empty() {
        return Err(format!("{}: no REFERENCE_NUMBER", what()));
    }
    let listed = r
        .name_parts
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    // The list writes people's primary names in capitals (KIM JONG SIK); the canonical name
    // is the usual form (Kim Jong Sik). Entity names keep their capitals (acronyms).
    let name_en = if kind == ActorKind::Person {
        title_case(&listed)
    } else {
        listed
    };
    if name_en.is_empty() {
        return Err(format!("{} ({}): no name", what(), r.reference));
    }
    let mut en = vec![name_en.clone()];
    let mut qualities = Vec::new();
    for (q, n) in &r.aliases {
        if !en.iter().any(|x| x.eq_ignore_ascii_case(n)) {
            en.push(n.clone());
        }
        qualities.push(format!("{}: {n}", if q.is_empty() { "?" } else { q }));
    }
    let mut names = BTreeMap::new();
    names.insert("en".to_string(), en);
    if !r.original_script.is_empty() {
        let lang = if r
            .original_script
            .chars()
            .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
        {
            "ko"
        } else {
            "zh-Hans"
        };
        names.insert(lang.to_string(), vec![r.original_script.clone()]);
    }
    let mut note = format!(
        "UN Security Council consolidated list; listed on {}",
        r.listed_on
    );
    if !qualities.is_empty() {
        note.push_str(&format!(
            "; aliases (quality: name): {}",
            qualities.join(" | ")
        ));
    }
    Ok(Actor {
        id: r.reference.clone(),
        kind,
        name_en,
        names,
        aliases: BTreeMap::new(),
        wikidata: None,
        country,
        located_in: None,
        died: None,
        positions: Vec::new(),
        un_designation: Some(r.reference),
        note: Some(note),
    })
}
