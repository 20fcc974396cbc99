//! Actors: states, people, organisations, forums, outlets and places, with their names in
//! every language and script, and the posts people held over time.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{CoreError, DateValue};

/// What kind of actor.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    State,
    Person,
    /// Party, ministry, government body, company, agency, military unit.
    Organization,
    /// SCO, BRICS, UN, CSTO, CIS and the like.
    Forum,
    Party,
    Outlet,
    /// Capitals, cities, regions, venues.
    Place,
}

impl ActorKind {
    pub const ALL: [ActorKind; 7] = [
        ActorKind::State,
        ActorKind::Person,
        ActorKind::Organization,
        ActorKind::Forum,
        ActorKind::Party,
        ActorKind::Outlet,
        ActorKind::Place,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ActorKind::State => "state",
            ActorKind::Person => "person",
            ActorKind::Organization => "organization",
            ActorKind::Forum => "forum",
            ActorKind::Party => "party",
            ActorKind::Outlet => "outlet",
            ActorKind::Place => "place",
        }
    }
}

impl std::fmt::Display for ActorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ActorKind {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        ActorKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| CoreError::InvalidValue {
                field: "actor kind",
                value: s.to_string(),
                expected: "state, person, organization, forum, party, outlet, place",
            })
    }
}

/// A post held by a person in an organisation or state over a period.
/// `from`/`to` have the precision the record gives; `to = None` means still in post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Position {
    /// Post id from `data/actors/posts.toml` (e.g. `foreign_minister`, `head_of_state`).
    pub post: String,
    /// The organisation or state (actor id) the post belongs to, e.g. `RU`, `WPK`.
    pub org: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<DateValue>,
    /// How the post is written in English for this holder, when it differs from the post's label
    /// (e.g. "Chairman of the State Affairs Commission").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
}

impl Position {
    /// Whether the post was held on `date` (any overlap for imprecise dates).
    pub fn held_on(&self, date: &DateValue) -> bool {
        let starts_ok = self.from.is_none_or(|f| f.start() <= date.end());
        let ends_ok = self.to.is_none_or(|t| t.end() >= date.start());
        starts_ok && ends_ok
    }
}

/// An actor with its names. `id` is a Wikidata QID (`Q56226`), an ISO 3166-1 alpha-2 code for
/// states (`KP`), a UN reference number for designated persons and entities (`KPi.066`), or a
/// stable slug (`wpk`, `vostochny-cosmodrome`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Actor {
    pub id: String,
    pub kind: ActorKind,
    /// The canonical English name ("Kim Jong Un", "Xi Jinping", "Vladimir Putin").
    pub name_en: String,
    /// Names by language tag (`en`, `ja`, `zh-Hans`, `zh-Hant`, `ko`, `ru`), the canonical
    /// form first, then variants and romanisations ("Kim Jong-un", "Kim Jong-eun").
    #[serde(default)]
    pub names: BTreeMap<String, Vec<String>>,
    /// Words that refer to the actor without being its name, by language tag: demonyms and
    /// adjectives ("Russian", "российский", "North Korean"), metonyms. Matched as aliases.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Wikidata QID when `id` is not one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<String>,
    /// The state the actor belongs to (ISO alpha-2), for people, organisations and places.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// For a place: the place it lies in (a venue's city: the Great Hall of the People is in
    /// Beijing), by actor id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub located_in: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<Position>,
    /// For a person: the day of death. From then on the person is remembered, never present:
    /// "before the portrait of Kim Jong Il" on 2011-12-28 is no visit of his.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub died: Option<DateValue>,
    /// Listed by the UN Security Council (1718 Committee); with its reference number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub un_designation: Option<String>,
    /// Free text: what the record is based on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Actor {
    /// Every name in every language, with its language tag.
    pub fn all_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.names
            .iter()
            .flat_map(|(lang, ns)| ns.iter().map(move |n| (lang.as_str(), n.as_str())))
            .chain(std::iter::once(("en", self.name_en.as_str())))
    }

    /// The positions held on `date`.
    pub fn positions_on<'a>(&'a self, date: &'a DateValue) -> impl Iterator<Item = &'a Position> {
        self.positions.iter().filter(move |p| p.held_on(date))
    }
}

/// Whether `s` is written as an ISO 3166-1 alpha-2 state code: two capital ASCII letters
/// (`KP`, `RU`). Whether the code is assigned is the gazetteer's business.
pub fn is_state_code(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// A state code as a user may type it (`kp`, ` RU `), upper-cased and trimmed; `None` when it
/// is not two ASCII letters.
pub fn state_code(s: &str) -> Option<String> {
    let c = s.trim().to_ascii_uppercase();
    is_state_code(&c).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> DateValue {
        s.parse().unwrap()
    }

    #[test]
    fn kinds_parse_and_print() {
        for k in ActorKind::ALL {
            assert_eq!(k.to_string().parse::<ActorKind>().unwrap(), k);
        }
        assert_eq!(" Person ".parse::<ActorKind>().unwrap(), ActorKind::Person);
        let e = "people".parse::<ActorKind>().unwrap_err().to_string();
        assert!(e.contains("`people`") && e.contains("organization"), "{e}");
    }

    #[test]
    fn positions_by_date() {
        let p = Position {
            post: "foreign_minister".into(),
            org: "RU".into(),
            from: Some(d("2004-03-09")),
            to: None,
            title_en: None,
        };
        assert!(p.held_on(&d("2024-06-19")));
        assert!(!p.held_on(&d("2003")));
        assert!(p.held_on(&d("2004")), "a year overlapping the start counts");
        let ended = Position {
            to: Some(d("2012-05-07")),
            ..p
        };
        assert!(!ended.held_on(&d("2012-06")));
        assert!(ended.held_on(&d("2012-05")));
    }
}
