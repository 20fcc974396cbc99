//! Running extraction over stored sources, incrementally.

use entente_core::{Cancel, SourceId};
use entente_store::Store;
use serde::{Deserialize, Serialize};

use crate::gazetteer::Gazetteer;
use crate::{ExtractError, Extractor, Input, same_event};

/// Origin recorded for actors that come from the bundled `data/actors/`.
pub const BUNDLED: &str = "bundled";

/// Counts of one extraction run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RunSummary {
    /// Sources extracted and stored.
    pub sources: usize,
    pub new_events: usize,
    pub merged: usize,
    pub statements: usize,
    pub dropped: usize,
    /// Sources whose extraction failed; nothing of theirs was written, and the run went on.
    pub failed: Vec<FailedSource>,
    /// The run was cancelled before its end: the sources counted were extracted and stored,
    /// the rest were not touched.
    #[serde(default)]
    pub cancelled: bool,
}

/// A source that one run could not extract, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct FailedSource {
    /// The source's id (hex).
    pub id: String,
    pub reason: String,
}

/// Writes the bundled actors into the store (so they can be listed and shown), leaving alone
/// any actor an analyst changed or added. Returns how many were written.
pub fn sync_bundled_actors(store: &dyn Store, gaz: &Gazetteer) -> Result<usize, ExtractError> {
    let mut fresh = Vec::new();
    for a in gaz.actors() {
        match store.actor_origin(&a.id)? {
            Some(origin) if origin != BUNDLED => continue,
            Some(_) if store.actor(&a.id)?.as_ref() == Some(a) => continue,
            _ => fresh.push(a.clone()),
        }
    }
    Ok(store.upsert_actors(&fresh, BUNDLED, None)?)
}

/// The gazetteer to match with: the bundled one, with the analyst's additions and changes
/// from the store laid over it.
pub fn gazetteer_for(store: &dyn Store) -> Result<Gazetteer, ExtractError> {
    overlay_store_actors(Gazetteer::bundled()?, store)
}

/// `gaz` with the store's own actors (added or changed by an analyst) laid over it.
fn overlay_store_actors(mut gaz: Gazetteer, store: &dyn Store) -> Result<Gazetteer, ExtractError> {
    let mut own = Vec::new();
    for a in store.actors()? {
        if store.actor_origin(&a.id)?.as_deref() != Some(BUNDLED) {
            own.push(a);
        }
    }
    if !own.is_empty() {
        gaz.overlay_actors(own, "the knowledge base")?;
    }
    Ok(gaz)
}

/// An extractor for `store` that only reads it: the bundled gazetteer with the analyst's
/// actors laid over it, and the bundled lexicons.
pub fn extractor_for(store: &dyn Store) -> Result<Extractor, ExtractError> {
    Ok(Extractor::new(
        gazetteer_for(store)?,
        crate::lexicon::Lexicon::bundled()?,
    ))
}

/// Writes the bundled actors into `store` (so that they can be listed and shown), then
/// builds the extractor as [`extractor_for`] does, loading the bundled gazetteer once.
pub fn prepare_extractor(store: &dyn Store) -> Result<Extractor, ExtractError> {
    let bundled = Gazetteer::bundled()?;
    sync_bundled_actors(store, &bundled)?;
    Ok(Extractor::new(
        overlay_store_actors(bundled, store)?,
        crate::lexicon::Lexicon::bundled()?,
    ))
}

/// Extracts one stored source, then applies its outlet's profile (`data/outlets/`): an
/// outlet whose undated reports are about the publication day (a daily bulletin) gives that
/// day to every event the text leaves undated. The one way a stored source is extracted, for
/// runs and evaluations alike.
pub fn extract_source(
    ex: &Extractor,
    src: &entente_core::Source,
) -> Result<crate::Extraction, ExtractError> {
    let mut out = ex.extract(&Input {
        source_id: src.id,
        text: &src.text,
        lang: &src.lang,
        published: src.published,
    });
    let undated = match src.outlet.as_deref() {
        Some(o) => entente_text::outlets::bundled_profile(o)
            .map_err(|e| ExtractError::Lexicon {
                file: e.file.clone(),
                line: None,
                message: e.message.clone(),
            })?
            .map(|p| p.undated)
            .unwrap_or_default(),
        None => entente_text::outlets::Undated::Unknown,
    };
    if let (entente_text::outlets::Undated::PublicationDay, Some(day)) = (undated, src.published)
        && day.day.is_some()
    {
        for d in out.events.iter_mut().filter(|d| d.date.is_none()) {
            d.date = Some(entente_core::Edtf::date(day));
        }
    }
    Ok(out)
}

/// Extracts events and statements from `ids` (or, when empty, every source not yet extracted
/// with this extractor's version; with `all`, every source) and stores them, one transaction
/// per source. `cancel` is looked at before each source: a cancelled run stops there, with
/// what was stored kept.
pub fn extract_sources(
    store: &dyn Store,
    ex: &Extractor,
    ids: &[SourceId],
    all: bool,
    cancel: &Cancel,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<RunSummary, ExtractError> {
    let todo = if ids.is_empty() {
        store.sources_to_extract(ex.version(), all)?
    } else {
        ids.to_vec()
    };
    let mut summary = RunSummary::default();
    // Re-extracting everything (after a lexicon or gazetteer change, or --all) starts from
    // the analysts' events alone, so nothing extracted earlier lingers on merged events.
    if ids.is_empty() && todo.len() as u64 == store.count_sources()? && !todo.is_empty() {
        summary.dropped += store.reset_extraction()?;
    }
    for (i, id) in todo.iter().enumerate() {
        if cancel.is_cancelled() {
            summary.cancelled = true;
            break;
        }
        let Some(src) = store.get_source(id)? else {
            return Err(ExtractError::Store(entente_store::StoreError::no_source(
                id.to_hex(),
            )));
        };
        // One document must not end the run: a bug that panics on one text, or a store error
        // about its records (its transaction rolled back, the store as it was), is reported
        // with the source's id, and the others are still extracted.
        let outcome = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            extract_source(ex, &src)
        })) {
            Ok(out) => {
                let out = out?;
                match store.apply_extraction(
                    id,
                    ex.version(),
                    &out.events,
                    &out.statements,
                    &same_event,
                ) {
                    Ok(applied) => Ok(applied),
                    Err(e) if !e.is_environmental() => {
                        Err(format!("storing its events failed: {e}"))
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                Err(format!(
                    "extraction failed (a bug; please report it): {message}"
                ))
            }
        };
        progress(i + 1, todo.len());
        let applied = match outcome {
            Ok(applied) => applied,
            Err(reason) => {
                summary.failed.push(FailedSource {
                    id: id.to_hex(),
                    reason,
                });
                continue;
            }
        };
        summary.sources += 1;
        summary.new_events += applied.new_events;
        summary.merged += applied.merged;
        summary.statements += applied.statements;
        summary.dropped += applied.dropped;
    }
    Ok(summary)
}
