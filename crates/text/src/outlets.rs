//! Outlet profiles (`data/outlets/profiles.toml`): per-outlet rules for reading items — what
//! the headline is to the item, and which day an undated report is about. Ingest and
//! extraction both read them.

use std::sync::OnceLock;

use serde::Deserialize;

/// An invalid profiles file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ProfileError {
    pub file: String,
    pub message: String,
}

const PROFILES: &str = include_str!("../../../data/outlets/profiles.toml");

/// What an outlet's headline is to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Headline {
    /// A title kept beside the text (the default).
    Title,
    /// The item's first sentence: stored as the text's first paragraph.
    Lead,
}

/// Which day an event the item reports without a date of its own is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Undated {
    /// No day: the event stays undated (the default).
    #[default]
    Unknown,
    /// The publication day: a same-day news item reports what happened that day.
    PublicationDay,
}

/// One outlet's reading rules.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The outlet names it applies to (compared case-insensitively).
    pub names: Vec<String>,
    #[serde(default = "default_headline")]
    pub headline: Headline,
    #[serde(default)]
    pub undated: Undated,
}

fn default_headline() -> Headline {
    Headline::Title
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct File {
    outlet: Vec<Profile>,
}

/// Parses and checks a profiles file: every profile names at least one outlet, and no outlet
/// is named twice.
pub fn parse(text: &str, file: &str) -> Result<Vec<Profile>, ProfileError> {
    let bad = |message: String| ProfileError {
        file: file.to_string(),
        message,
    };
    let f: File = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
    let mut seen = std::collections::BTreeSet::new();
    for (i, p) in f.outlet.iter().enumerate() {
        if p.names.iter().all(|n| n.trim().is_empty()) {
            return Err(bad(format!("outlet[{i}].names: no name")));
        }
        for n in &p.names {
            if !seen.insert(n.to_lowercase()) {
                return Err(bad(format!("outlet[{i}].names: `{n}` is named twice")));
            }
        }
    }
    Ok(f.outlet)
}

/// The bundled profiles.
pub fn bundled() -> Result<&'static [Profile], ProfileError> {
    static P: OnceLock<Result<Vec<Profile>, ProfileError>> = OnceLock::new();
    P.get_or_init(|| parse(PROFILES, "data/outlets/profiles.toml"))
        .as_deref()
        .map_err(Clone::clone)
}

/// The bundled profile of `outlet`, if it has one.
pub fn bundled_profile(outlet: &str) -> Result<Option<Profile>, ProfileError> {
    Ok(profile(bundled()?, outlet))
}

/// The profile of `outlet`, if it has one.
pub fn profile(profiles: &[Profile], outlet: &str) -> Option<Profile> {
    let o = outlet.trim().to_lowercase();
    profiles
        .iter()
        .find(|p| p.names.iter().any(|n| n.to_lowercase() == o))
        .cloned()
}

/// The text to store for an item: with a `lead` headline, the headline becomes the first
/// paragraph unless the text already opens with it.
pub fn text_with_headline(text: &str, title: Option<&str>, headline: Headline) -> String {
    match (headline, title.map(str::trim).filter(|t| !t.is_empty())) {
        (Headline::Lead, Some(t)) if !text.trim_start().starts_with(t) => {
            format!("{t}\n\n{text}")
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_profiles_load() {
        let p = bundled().unwrap();
        let one = profile(p, "channel one russia").expect("Channel One has a profile");
        assert_eq!(one.headline, Headline::Lead);
        assert_eq!(one.undated, Undated::PublicationDay);
        assert!(profile(p, "KCNA").is_none());
    }

    #[test]
    fn bad_profiles_name_the_field() {
        let e = parse(
            "[[outlet]]\nnames = [\"A\"]\nheadline = \"top\"\n",
            "p.toml",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("p.toml: "), "{e}");
        assert!(e.to_string().contains("headline"), "{e}");
        let e = parse(
            "[[outlet]]\nnames = [\"A\"]\nheadline = \"lead\"\n[[outlet]]\nnames = [\"a\"]\nheadline = \"title\"\n",
            "p.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("named twice"), "{e}");
    }

    #[test]
    fn a_lead_headline_opens_the_text_once() {
        let t = text_with_headline("Sidebar text.", Some("Putin met Lula"), Headline::Lead);
        assert_eq!(t, "Putin met Lula\n\nSidebar text.");
        let again = text_with_headline(&t, Some("Putin met Lula"), Headline::Lead);
        assert_eq!(again, t);
        assert_eq!(
            text_with_headline("Body.", Some("Head"), Headline::Title),
            "Body."
        );
        assert_eq!(text_with_headline("Body.", None, Headline::Lead), "Body.");
    }
}
