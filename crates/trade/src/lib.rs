//! `entente-trade`: customs statistics in, analytic tables out.
//!
//! It reads the CSV that China Customs' online statistics platform exports, UN Comtrade CSV
//! (classic and Comtrade Plus) and entente's canonical CSV; validates every row (an invalid
//! file is rejected whole, with errors naming line and column); and stores the records as
//! Parquet that any engine can read. Queries — totals, year-to-date comparisons, top-N
//! products, series, free SQL — run on Apache DataFusion. HS labels, rollups and the
//! concordance between HS editions live in [`hs`]; UN Security Council measures as data and
//! the screen of trade lines against them in [`sanctions`].
//!
//! # Layout of `<data dir>/trade/`
//!
//! ```text
//! trade/
//!   manifest.json                                   one entry per imported file: sha256, format,
//!                                                   (dataset, reporter, flow, period) groups,
//!                                                   Parquet parts, superseded groups
//!   records/reporter=CN/year=2025/part-<sha16>.parquet   current figures (hive partitioning)
//!   vintages/reporter=CN/year=2025/part-<sha16>.parquet  earlier releases of replaced periods
//!   hs/labels.csv                                   imported nomenclature labels
//!   .write.lock, .read.lock                         one writer at a time; queries see whole imports
//!   staging/, journal.json                          an import in progress (see [`txn`])
//!   lost+found/<time>/                              parts a repair set aside
//! ```
//!
//! Files carry the columns of [`store::file_schema`]; `reporter` and `year` come from the
//! directory names. Rows are sorted by partner, flow, month and HS code, in row groups of
//! 65,536 rows with page statistics, so filters on partner and period skip most data.
//! Every row keeps its provenance: `source_file`, `source_sha256`, `source_line`.
//!
//! # Past one machine
//!
//! The layout is plain hive-partitioned Parquet, which distributed engines read unchanged:
//! DataFusion Ballista (`CREATE EXTERNAL TABLE trade STORED AS PARQUET PARTITIONED BY
//! (reporter, year) LOCATION 's3://…/trade/records/'`), Spark
//! (`spark.read.parquet("…/trade/records")` discovers `reporter` and `year`), Trino's Hive
//! connector (`partitioned_by = ARRAY['reporter','year']`, then `CALL system.sync_partition_metadata`)
//! and DuckDB (`read_parquet('trade/records/**/*.parquet', hive_partitioning = true)`). Copy
//! `records/` to object storage and point the engine at it; the SQL of [`query`] runs there as is.

pub mod error;
mod fsutil;
pub mod hs;
pub mod json;
pub mod model;
pub mod parse;
pub mod partners;
#[cfg(feature = "engine")]
pub mod query;
pub mod sanctions;
#[cfg(feature = "engine")]
pub mod select;
#[cfg(feature = "engine")]
pub mod store;
#[cfg(feature = "engine")]
pub mod txn;

pub use error::{Result, RowError, TradeError};
pub use hs::{Concordance, Nomenclature};
pub use model::{Flow, Period, Record};
pub use parse::{Format, ImportOptions};
#[cfg(feature = "engine")]
pub use query::{
    By, LineKind, Provenance, ReconcileRow, Scope, SeriesRow, SqlResult, TopLine, TopRow, TopTable,
    TotalsRow, YtdRow,
};
pub use sanctions::Measures;
#[cfg(feature = "engine")]
pub use sanctions::ScreenRow;
#[cfg(feature = "engine")]
pub use select::{AsOf, DATASET_PRECEDENCE, DatasetChoice, Selection};
#[cfg(feature = "engine")]
pub use store::{ImportReport, TradeStore};
#[cfg(feature = "engine")]
pub use txn::{TradeCheck, WriteGuard};

#[cfg(feature = "engine")]
impl TradeStore {
    /// The imported nomenclature (empty when none was imported).
    pub fn nomenclature(&self) -> Result<Nomenclature> {
        Nomenclature::load(&self.root().join("hs"))
    }
}
pub use chrono::NaiveDate;

/// Today's date (UTC), the default `as_of` of the screen.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}
