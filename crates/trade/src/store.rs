//! The Parquet trade store: layout, manifest, import and the query engine session.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, Float64Array, Float64Builder, Int32Array, Int32Builder, Int64Builder,
    RecordBatch, StringArray, StringBuilder,
};
use datafusion::arrow::compute::{cast, filter_record_batch};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::ListingOptions;
use datafusion::prelude::{SessionConfig, SessionContext};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, TradeError};
use crate::model::{Flow, Period, Record};
use crate::parse::{self, Format, ImportOptions};

/// Rows per Parquet row group: small enough that min/max statistics on the sort columns
/// (partner, flow, hs) let a query for one partner skip most of a year.
pub const ROW_GROUP_SIZE: usize = 65_536;

/// The columns stored in each Parquet file. `reporter` and `year` are not in the files:
/// they are hive-style partition directories (`reporter=CN/year=2025/`).
pub fn file_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("partner", DataType::Utf8, false),
        Field::new("flow", DataType::Utf8, false),
        Field::new("month", DataType::Int32, true),
        Field::new("hs", DataType::Utf8, false),
        Field::new("value_usd", DataType::Float64, false),
        Field::new("quantity", DataType::Float64, true),
        Field::new("unit", DataType::Utf8, true),
        Field::new("quantity2", DataType::Float64, true),
        Field::new("unit2", DataType::Utf8, true),
        Field::new("regime", DataType::Utf8, true),
        Field::new("province", DataType::Utf8, true),
        Field::new("dataset", DataType::Utf8, false),
        Field::new("source_file", DataType::Utf8, false),
        Field::new("source_sha256", DataType::Utf8, false),
        Field::new("source_line", DataType::Int64, false),
    ]))
}

/// One imported file, as recorded in `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ManifestEntry {
    pub sha256: String,
    pub file: String,
    pub format: Format,
    pub imported_at: String,
    pub encoding: String,
    pub rows: usize,
    /// `(dataset, reporter, flow, period)` groups this file supplied.
    pub groups: Vec<Group>,
    /// Groups of this file replaced by a newer release (their rows now live under `vintages/`).
    #[serde(default)]
    pub superseded: Vec<Superseded>,
    /// Parquet files written, relative to the store root.
    pub parts: Vec<String>,
}

impl ManifestEntry {
    /// The first and last period this file supplied, as text (`None` for an empty file).
    pub fn period_span(&self) -> (Option<String>, Option<String>) {
        let periods = self.groups.iter().map(|g| g.period);
        (
            periods.clone().min().map(|p| p.to_string()),
            periods.max().map(|p| p.to_string()),
        )
    }
}

#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Group {
    pub dataset: String,
    pub reporter: String,
    /// A release revises the partners it contains, not the reporter's other partners.
    /// Empty in manifests written before partners were recorded (then: every partner).
    #[serde(default)]
    pub partner: String,
    pub flow: Flow,
    pub period: Period,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Superseded {
    pub group: Group,
    pub by_sha256: String,
    pub at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Manifest {
    pub imports: Vec<ManifestEntry>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImportReport {
    pub file: String,
    pub sha256: String,
    pub format: Format,
    /// `imported` or `unchanged` (the same bytes were imported before).
    pub status: String,
    pub rows: usize,
    pub skipped: usize,
    pub encoding: String,
    pub first_period: Option<String>,
    pub last_period: Option<String>,
    /// Rows of earlier releases of the same periods moved to `vintages/`.
    pub superseded_rows: usize,
}

/// The trade store rooted at `<data dir>/trade`.
///
/// Queries run DataFusion on the caller's tokio runtime (a multi-thread one), given at
/// [`TradeStore::open`]: the library owns none. Its methods block, so call them from outside
/// async code — a CLI's main thread, or a server's `spawn_blocking`.
pub struct TradeStore {
    root: PathBuf,
    rt: tokio::runtime::Handle,
    /// The parsed manifest with the (length, modification time) of the file it was read from:
    /// a query selects its rows from the manifest several times (notes, the query, a
    /// comparison), and a store of 20M rows has a manifest of ~12 MB.
    manifest_cache: std::sync::Mutex<Option<ManifestCache>>,
    /// How long a writer waits for another writer before giving up (see [`crate::txn`]).
    lock_wait: std::time::Duration,
}

type ManifestCache = (
    (u64, Option<std::time::SystemTime>),
    std::sync::Arc<Manifest>,
);

impl TradeStore {
    pub const MANIFEST: &'static str = "manifest.json";

    /// Opens (creating if needed) the store directory; queries will run on `rt`.
    pub fn open(root: impl Into<PathBuf>, rt: tokio::runtime::Handle) -> Result<Self> {
        let root = root.into();
        for d in ["records", "vintages", "hs"] {
            fs::create_dir_all(root.join(d)).map_err(|e| TradeError::io(root.join(d), e))?;
        }
        Ok(TradeStore {
            root,
            rt,
            manifest_cache: std::sync::Mutex::new(None),
            lock_wait: std::time::Duration::from_secs(600),
        })
    }

    /// Sets how long a writer waits for another writer (default: 10 minutes) before it
    /// fails with [`TradeError::Busy`].
    pub fn with_lock_wait(mut self, wait: std::time::Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    pub fn lock_wait(&self) -> std::time::Duration {
        self.lock_wait
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn manifest(&self) -> Result<Manifest> {
        Ok(self.manifest_shared()?.as_ref().clone())
    }

    /// The manifest, parsed once and reused while the file is unchanged (same length and
    /// modification time).
    pub(crate) fn manifest_shared(&self) -> Result<std::sync::Arc<Manifest>> {
        let p = self.root.join(Self::MANIFEST);
        let stamp = match fs::metadata(&p) {
            Ok(m) => (m.len(), m.modified().ok()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(std::sync::Arc::new(Manifest::default()));
            }
            Err(e) => return Err(TradeError::io(p, e)),
        };
        let mut cache = self
            .manifest_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((s, m)) = cache.as_ref()
            && *s == stamp
            && stamp.1.is_some()
        {
            return Ok(m.clone());
        }
        let m: Manifest = match fs::read(&p) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| TradeError::Manifest {
                file: p.clone(),
                message: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest::default(),
            Err(e) => return Err(TradeError::io(p, e)),
        };
        let m = std::sync::Arc::new(m);
        *cache = Some((stamp, m.clone()));
        Ok(m)
    }

    /// Replaces `manifest.json` durably (unique temporary file, fsync, atomic rename). Only
    /// a writer holding the lock calls it (see [`crate::txn`]).
    pub(crate) fn save_manifest(&self, m: &Manifest) -> Result<()> {
        let p = self.root.join(Self::MANIFEST);
        let body = serde_json::to_vec_pretty(m).map_err(|e| TradeError::Manifest {
            file: p.clone(),
            message: e.to_string(),
        })?;
        *self
            .manifest_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        crate::txn::write_atomic(&p, &body)
    }

    /// Imports one file. Validation errors leave the store untouched; so does a failure or a
    /// kill before the commit point, and one after it is finished by the next open
    /// ([`crate::txn`]). Imports run one at a time.
    pub fn import_file(
        &self,
        file: &Path,
        format: Format,
        opts: &ImportOptions,
    ) -> Result<ImportReport> {
        let bytes = fs::read(file).map_err(|e| TradeError::io(file, e))?;
        // Hash and parse at the same time; a known hash discards the parse.
        let (sha, parsed) = std::thread::scope(|sc| {
            let h = sc.spawn(|| hex::encode(Sha256::digest(&bytes)));
            // Large canonical files take the compact path (40 bytes a row).
            let parsed = if format == Format::Csv && !opts.cumulative {
                parse::parse_bulk(&bytes).map(Input::Bulk)
            } else {
                parse::parse(file, &bytes, format, opts).map(Input::Records)
            };
            (h.join().unwrap_or_default(), parsed)
        });
        if sha.len() != 64 {
            return Err(TradeError::Format {
                file: file.to_path_buf(),
                message: "could not hash the file".into(),
            });
        }
        // One writer at a time; the manifest is read under the lock.
        let guard = self.write_lock()?;
        let mut manifest = self.manifest()?;
        let mut journal = crate::txn::Journal::default();
        let name = file.display().to_string();
        if let Some(e) = manifest.imports.iter().find(|e| e.sha256 == sha) {
            return Ok(ImportReport {
                file: name,
                sha256: sha,
                format,
                status: "unchanged".into(),
                rows: e.rows,
                skipped: 0,
                encoding: e.encoding.clone(),
                first_period: e.period_span().0,
                last_period: e.period_span().1,
                superseded_rows: 0,
            });
        }
        let parsed = parsed.map_err(|errors| TradeError::Invalid {
            file: file.to_path_buf(),
            errors,
        })?;
        let (n_rows, n_skipped, encoding) = match &parsed {
            Input::Records(p) => (p.records.len(), p.skipped.len(), p.encoding),
            Input::Bulk(b) => (
                b.rows.len(),
                0,
                parse::decode(&bytes[..bytes.len().min(4096)]).1,
            ),
        };
        if n_rows == 0 {
            return Err(TradeError::Format {
                file: file.to_path_buf(),
                message: format!(
                    "no trade rows found ({n_skipped} rows skipped); is this a {} file?",
                    format.as_str()
                ),
            });
        }
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut groups: BTreeSet<Group> = BTreeSet::new();
        match &parsed {
            Input::Records(p) => {
                let mut seen: std::collections::HashSet<(&str, &str, &str, Flow, Period)> =
                    Default::default();
                for r in &p.records {
                    seen.insert((
                        r.dataset,
                        r.reporter.as_str(),
                        r.partner.as_str(),
                        r.flow,
                        r.period,
                    ));
                }
                groups.extend(seen.into_iter().map(
                    |(dataset, reporter, partner, flow, period)| Group {
                        dataset: dataset.to_string(),
                        reporter: reporter.to_string(),
                        partner: partner.to_string(),
                        flow,
                        period,
                    },
                ));
            }
            Input::Bulk(b) => {
                let mut last = None;
                for r in &b.rows {
                    // reporter, year, partner, flow, month: the group.
                    let k = r.key >> 38;
                    if last == Some(k) {
                        continue;
                    }
                    last = Some(k);
                    let (reporter, year, partner, flow, month, _) = crate::model::split_key(r.key);
                    groups.insert(Group {
                        dataset: "csv".into(),
                        reporter,
                        partner,
                        flow,
                        period: if month == 0 {
                            Period::year(year)
                        } else {
                            Period::month(year, month)
                        },
                    });
                }
            }
        }

        // Earlier releases of the same groups become vintages.
        let mut superseded_rows = 0;
        for entry in &mut manifest.imports {
            let hit: Vec<Group> = entry
                .groups
                .iter()
                .filter(|g| {
                    groups.contains(*g)
                        || (g.partner.is_empty()
                            && groups.iter().any(|n| {
                                (&n.dataset, &n.reporter, n.flow, n.period)
                                    == (&g.dataset, &g.reporter, g.flow, g.period)
                            }))
                })
                .filter(|g| !entry.superseded.iter().any(|s| &s.group == *g))
                .cloned()
                .collect();
            if hit.is_empty() {
                continue;
            }
            superseded_rows += self.move_to_vintages(entry, &hit, &mut journal)?;
            for g in hit {
                entry.superseded.push(Superseded {
                    group: g,
                    by_sha256: sha.clone(),
                    at: now.clone(),
                });
            }
        }

        // Write one file per (reporter, year), sorted for pruning.
        // Rows come sorted by reporter and year: take consecutive runs.
        let jobs: Vec<(String, Job)> = match &parsed {
            Input::Records(p) => {
                let mut by_part: BTreeMap<(String, i32), Vec<&Record>> = BTreeMap::new();
                let recs = &p.records;
                let mut start = 0;
                for i in 1..=recs.len() {
                    if i == recs.len()
                        || recs[i].period.year != recs[start].period.year
                        || recs[i].reporter != recs[start].reporter
                    {
                        by_part
                            .entry((recs[start].reporter.clone(), recs[start].period.year))
                            .or_default()
                            .extend(recs[start..i].iter());
                        start = i;
                    }
                }
                by_part
                    .into_iter()
                    .map(|((reporter, year), rows)| {
                        (part_path(&reporter, year, &sha), Job::Records(rows))
                    })
                    .collect()
            }
            Input::Bulk(b) => {
                let mut jobs = Vec::new();
                let mut start = 0;
                let rows = &b.rows;
                for i in 1..=rows.len() {
                    if i == rows.len() || rows[i].key >> 59 != rows[start].key >> 59 {
                        let (reporter, year, ..) = crate::model::split_key(rows[start].key);
                        jobs.push((
                            part_path(&reporter, year, &sha),
                            Job::Compact(&rows[start..i], &b.units),
                        ));
                        start = i;
                    }
                }
                jobs
            }
        };
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<Result<()>> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..threads.min(jobs.len()))
                .map(|_| {
                    sc.spawn(|| {
                        let mut out = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some((rel, rows)) = jobs.get(i) else {
                                break;
                            };
                            out.push(
                                match rows {
                                    Job::Records(r) => records_batch(r, &name, &sha),
                                    Job::Compact(r, units) => compact_batch(r, units, &name, &sha),
                                }
                                .and_then(|b| write_parquet(&self.staged(rel), &[b])),
                            );
                        }
                        out
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join().unwrap_or_else(|_| {
                        vec![Err(TradeError::Query(
                            "a Parquet writer thread panicked".into(),
                        ))]
                    })
                })
                .collect()
        });
        for r in results {
            r?;
        }
        let parts: Vec<String> = jobs.into_iter().map(|(rel, _)| rel).collect();
        for rel in &parts {
            journal.renames.push((staged_rel(rel), rel.clone()));
        }
        let first = groups.iter().map(|g| g.period).min();
        let last = groups.iter().map(|g| g.period).max();
        manifest.imports.push(ManifestEntry {
            sha256: sha.clone(),
            file: name.clone(),
            format,
            imported_at: now,
            encoding: encoding.to_string(),
            rows: n_rows,
            groups: groups.into_iter().collect(),
            superseded: Vec::new(),
            parts,
        });
        journal.manifest = manifest;
        self.commit(&guard, &journal)?;
        Ok(ImportReport {
            file: name,
            sha256: sha,
            format,
            status: "imported".into(),
            rows: n_rows,
            skipped: n_skipped,
            encoding: encoding.to_string(),
            first_period: first.map(|p| p.to_string()),
            last_period: last.map(|p| p.to_string()),
            superseded_rows,
        })
    }

    /// Where a writer prepares the file that will become `rel` at commit.
    fn staged(&self, rel: &str) -> PathBuf {
        self.root.join(staged_rel(rel))
    }

    /// Moves the rows of `groups` out of `entry`'s Parquet files into `vintages/`: the
    /// vintage and the rewritten part are staged, their renames (or the part's deletion)
    /// journaled for the commit.
    fn move_to_vintages(
        &self,
        entry: &mut ManifestEntry,
        groups: &[Group],
        journal: &mut crate::txn::Journal,
    ) -> Result<usize> {
        let mut moved = 0;
        let mut new_parts = Vec::new();
        for rel in &entry.parts {
            let path = self.root.join(rel);
            let (reporter, year) = partition_of(rel);
            let touched: Vec<&Group> = groups
                .iter()
                .filter(|g| g.reporter == reporter && g.period.year == year)
                .collect();
            if touched.is_empty() || !path.exists() {
                new_parts.push(rel.clone());
                continue;
            }
            let batches = read_parquet(&path)?;
            let mut keep = Vec::new();
            let mut old = Vec::new();
            for b in &batches {
                let flow = string_col(b, "flow")?;
                let month = b
                    .column_by_name("month")
                    .and_then(|c| c.as_any().downcast_ref::<Int32Array>().cloned());
                let dataset = string_col(b, "dataset")?;
                let partner = string_col(b, "partner")?;
                let mask: datafusion::arrow::array::BooleanArray = (0..b.num_rows())
                    .map(|i| {
                        let m = month.as_ref().and_then(|m| {
                            if m.is_null(i) {
                                None
                            } else {
                                u8::try_from(m.value(i)).ok()
                            }
                        });
                        Some(touched.iter().any(|g| {
                            g.flow.as_str() == flow.value(i)
                                && g.period.month == m
                                && g.dataset == dataset.value(i)
                                && (g.partner.is_empty() || g.partner == partner.value(i))
                        }))
                    })
                    .collect();
                let not: datafusion::arrow::array::BooleanArray =
                    mask.iter().map(|v| v.map(|x| !x)).collect();
                old.push(filter_record_batch(b, &mask)?);
                keep.push(filter_record_batch(b, &not)?);
            }
            let n_old: usize = old.iter().map(RecordBatch::num_rows).sum();
            moved += n_old;
            let vrel = rel.replacen("records/", "vintages/", 1);
            let mut vname = vrel.clone();
            let mut k = 1;
            while self.root.join(&vname).exists()
                || journal.renames.iter().any(|(_, to)| *to == vname)
            {
                vname = vrel.replace(".parquet", &format!("-{k}.parquet"));
                k += 1;
            }
            write_parquet(&self.staged(&vname), &old)?;
            journal.renames.push((staged_rel(&vname), vname));
            if keep.iter().map(RecordBatch::num_rows).sum::<usize>() == 0 {
                journal.deletes.push(rel.clone());
            } else {
                write_parquet(&self.staged(rel), &keep)?;
                journal.renames.push((staged_rel(rel), rel.clone()));
                new_parts.push(rel.clone());
            }
        }
        entry.parts = new_parts;
        Ok(moved)
    }

    /// A DataFusion session with the tables `records` (current figures), `vintages`
    /// (superseded releases) and the view `trade` (records with a `period` column).
    pub fn session(&self) -> Result<SessionContext> {
        let mut cfg = SessionConfig::new()
            .with_target_partitions(std::thread::available_parallelism().map_or(2, |n| n.get()))
            .with_information_schema(true);
        cfg.options_mut().execution.parquet.pushdown_filters = true;
        cfg.options_mut().execution.parquet.reorder_filters = true;
        let ctx = SessionContext::new_with_config(cfg);
        let opts = ListingOptions::new(Arc::new(ParquetFormat::default()))
            .with_file_extension(".parquet")
            .with_table_partition_cols(vec![
                ("reporter".to_string(), DataType::Utf8),
                ("year".to_string(), DataType::Int32),
            ]);
        self.rt.block_on(async {
            for t in ["records", "vintages"] {
                let dir = self.root.join(t);
                let url = format!("{}/", dir.display());
                ctx.register_listing_table(t, &url, opts.clone(), Some(file_schema()), None)
                    .await?;
            }
            ctx.sql(
                "CREATE VIEW trade AS SELECT reporter, partner, flow, year, month, \
                 CASE WHEN month IS NULL THEN CAST(year AS VARCHAR) \
                 WHEN month < 10 THEN CAST(year AS VARCHAR) || '-0' || CAST(month AS VARCHAR) \
                 ELSE CAST(year AS VARCHAR) || '-' || CAST(month AS VARCHAR) END AS period, \
                 hs, value_usd, quantity, unit, quantity2, unit2, regime, province, dataset, \
                 source_file, source_sha256, source_line FROM records",
            )
            .await?;
            Ok::<_, TradeError>(())
        })?;
        Ok(ctx)
    }

    /// Runs SQL (internal, trusted) and collects the batches.
    pub(crate) fn run(&self, ctx: &SessionContext, sql: &str) -> Result<Vec<RecordBatch>> {
        self.rt
            .block_on(async { ctx.sql(sql).await?.collect().await })
            .map_err(TradeError::from)
    }

    /// Runs a future on the caller's runtime (see the type's documentation).
    pub(crate) fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }
}

/// What an import parsed: full records, or compact canonical rows.
enum Input {
    Records(parse::Parsed),
    Bulk(parse::Bulk),
}

/// The rows of one Parquet file to write.
enum Job<'a> {
    Records(Vec<&'a Record>),
    Compact(&'a [parse::Compact], &'a [String]),
}

fn staged_rel(rel: &str) -> String {
    format!("{}/{rel}", crate::txn::STAGING)
}

fn part_path(reporter: &str, year: i32, sha: &str) -> String {
    format!(
        "records/reporter={reporter}/year={year}/part-{}.parquet",
        &sha[..16]
    )
}

fn compact_batch(
    rows: &[parse::Compact],
    units: &[String],
    file: &str,
    sha: &str,
) -> Result<RecordBatch> {
    let n = rows.len();
    let mut partner = StringBuilder::with_capacity(n, n * 2);
    let mut flow = StringBuilder::with_capacity(n, n * 6);
    let mut month = Int32Builder::with_capacity(n);
    let mut hs = StringBuilder::with_capacity(n, n * 8);
    let mut value = Float64Builder::with_capacity(n);
    let mut q = Float64Builder::with_capacity(n);
    let mut unit = StringBuilder::with_capacity(n, n * 2);
    let mut line = Int64Builder::with_capacity(n);
    let mut buf = [0u8; 10];
    for r in rows {
        let k = r.key;
        let p = ((k >> 43) & 0xFFFF) as u16;
        let pb = p.to_be_bytes();
        partner.append_value(std::str::from_utf8(&pb).unwrap_or("??"));
        flow.append_value(if (k >> 42) & 1 == 1 {
            "import"
        } else {
            "export"
        });
        let m = ((k >> 38) & 0xF) as i32;
        month.append_option((m != 0).then_some(m));
        let len = (((k >> 34) & 0xF) as usize).min(10);
        let mut num = (k & ((1 << 34) - 1)) as u64;
        for i in (0..len).rev() {
            buf[i] = b'0' + (num % 10) as u8;
            num /= 10;
        }
        hs.append_value(std::str::from_utf8(&buf[..len]).unwrap_or(""));
        value.append_value(r.value);
        q.append_option((!r.quantity.is_nan()).then_some(r.quantity));
        unit.append_option(units.get(r.unit as usize).map(String::as_str));
        line.append_value(i64::try_from(r.line).unwrap_or(i64::MAX));
    }
    let constant = |s: &str| -> ArrayRef {
        let mut b = StringBuilder::with_capacity(n, n * s.len());
        for _ in 0..n {
            b.append_value(s);
        }
        Arc::new(b.finish())
    };
    let nulls_f = || -> ArrayRef { Arc::new(Float64Array::from(vec![None::<f64>; n])) };
    let nulls_s = || -> ArrayRef { Arc::new(StringArray::from(vec![None::<&str>; n])) };
    let cols: Vec<ArrayRef> = vec![
        Arc::new(partner.finish()),
        Arc::new(flow.finish()),
        Arc::new(month.finish()),
        Arc::new(hs.finish()),
        Arc::new(value.finish()),
        Arc::new(q.finish()),
        Arc::new(unit.finish()),
        nulls_f(),
        nulls_s(),
        nulls_s(),
        nulls_s(),
        constant("csv"),
        constant(file),
        constant(sha),
        Arc::new(line.finish()),
    ];
    Ok(RecordBatch::try_new(file_schema(), cols)?)
}

fn partition_of(rel: &str) -> (String, i32) {
    let mut reporter = String::new();
    let mut year = 0;
    for seg in rel.split('/') {
        if let Some(r) = seg.strip_prefix("reporter=") {
            reporter = r.to_string();
        }
        if let Some(y) = seg.strip_prefix("year=") {
            year = y.parse().unwrap_or(0);
        }
    }
    (reporter, year)
}

fn records_batch(rows: &[&Record], file: &str, sha: &str) -> Result<RecordBatch> {
    let n = rows.len();
    let mut partner = StringBuilder::with_capacity(n, n * 2);
    let mut flow = StringBuilder::with_capacity(n, n * 6);
    let mut month = Int32Builder::with_capacity(n);
    let mut hs = StringBuilder::with_capacity(n, n * 8);
    let mut value = Float64Builder::with_capacity(n);
    let mut q = Float64Builder::with_capacity(n);
    let mut unit = StringBuilder::new();
    let mut q2 = Float64Builder::with_capacity(n);
    let mut unit2 = StringBuilder::new();
    let mut regime = StringBuilder::new();
    let mut province = StringBuilder::new();
    let mut dataset = StringBuilder::new();
    let mut sfile = StringBuilder::new();
    let mut ssha = StringBuilder::new();
    let mut line = Int64Builder::with_capacity(n);
    for r in rows {
        partner.append_value(&r.partner);
        flow.append_value(r.flow.as_str());
        month.append_option(r.period.month.map(i32::from));
        hs.append_value(&r.hs);
        value.append_value(r.value_usd);
        q.append_option(r.quantity);
        unit.append_option(r.unit.as_deref());
        q2.append_option(r.quantity2);
        unit2.append_option(r.unit2.as_deref());
        regime.append_option(r.regime.as_deref());
        province.append_option(r.province.as_deref());
        dataset.append_value(r.dataset);
        sfile.append_value(file);
        ssha.append_value(sha);
        line.append_value(i64::try_from(r.line).unwrap_or(i64::MAX));
    }
    let cols: Vec<ArrayRef> = vec![
        Arc::new(partner.finish()),
        Arc::new(flow.finish()),
        Arc::new(month.finish()),
        Arc::new(hs.finish()),
        Arc::new(value.finish()),
        Arc::new(q.finish()),
        Arc::new(unit.finish()),
        Arc::new(q2.finish()),
        Arc::new(unit2.finish()),
        Arc::new(regime.finish()),
        Arc::new(province.finish()),
        Arc::new(dataset.finish()),
        Arc::new(sfile.finish()),
        Arc::new(ssha.finish()),
        Arc::new(line.finish()),
    ];
    Ok(RecordBatch::try_new(file_schema(), cols)?)
}

/// Writer settings shared by the store and the benchmark: Snappy, page statistics, small row groups.
pub fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(ROW_GROUP_SIZE))
        .build()
}

/// Writes batches to `path` through a temporary file and a rename.
pub fn write_parquet(path: &Path, batches: &[RecordBatch]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| TradeError::io(dir, e))?;
    let tmp = path.with_extension("parquet.tmp");
    let f = fs::File::create(&tmp).map_err(|e| TradeError::io(&tmp, e))?;
    let schema = batches
        .first()
        .map(|b| b.schema())
        .unwrap_or_else(file_schema);
    let mut w = ArrowWriter::try_new(f, schema, Some(writer_properties()))?;
    for b in batches {
        w.write(b)?;
    }
    let f = w.into_inner()?;
    f.sync_all().map_err(|e| TradeError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| TradeError::io(path, e))
}

fn read_parquet(path: &Path) -> Result<Vec<RecordBatch>> {
    let f = fs::File::open(path).map_err(|e| TradeError::io(path, e))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(f)?.build()?;
    let mut out = Vec::new();
    for b in reader {
        out.push(b?);
    }
    Ok(out)
}

/// A column as strings (cast when needed).
pub(crate) fn string_col(b: &RecordBatch, name: &str) -> Result<StringArray> {
    let c = b
        .column_by_name(name)
        .ok_or_else(|| TradeError::Query(format!("internal: no column {name}")))?;
    let c = cast(c, &DataType::Utf8)?;
    c.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .ok_or_else(|| TradeError::Query(format!("internal: column {name} is not text")))
}

/// A column as f64 (cast when needed).
pub(crate) fn f64_col(b: &RecordBatch, name: &str) -> Result<Float64Array> {
    let c = b
        .column_by_name(name)
        .ok_or_else(|| TradeError::Query(format!("internal: no column {name}")))?;
    let c = cast(c, &DataType::Float64)?;
    c.as_any()
        .downcast_ref::<Float64Array>()
        .cloned()
        .ok_or_else(|| TradeError::Query(format!("internal: column {name} is not numeric")))
}

/// Helper for readers of query results.
pub(crate) fn opt_f64(a: &Float64Array, i: usize) -> Option<f64> {
    if a.is_null(i) { None } else { Some(a.value(i)) }
}

pub(crate) fn opt_str(a: &StringArray, i: usize) -> Option<String> {
    if a.is_null(i) {
        None
    } else {
        Some(a.value(i).to_string())
    }
}

/// The columns every grouped query result shares, read once per batch: `year`, `month`
/// (null for an annual figure or when months are not grouped), the summed value `v`, and
/// `flow` when the query selects it.
pub(crate) struct Grouped {
    year: Float64Array,
    month: Float64Array,
    v: Float64Array,
    flow: Option<StringArray>,
}

impl Grouped {
    pub(crate) fn of(b: &RecordBatch) -> Result<Self> {
        Ok(Grouped {
            year: f64_col(b, "year")?,
            month: f64_col(b, "month")?,
            v: f64_col(b, "v")?,
            flow: match b.column_by_name("flow") {
                Some(_) => Some(string_col(b, "flow")?),
                None => None,
            },
        })
    }

    pub(crate) fn year(&self, i: usize) -> i32 {
        opt_f64(&self.year, i).unwrap_or(0.0) as i32
    }

    pub(crate) fn month(&self, i: usize) -> Option<u8> {
        opt_f64(&self.month, i).and_then(|m| u8::try_from(m as i64).ok())
    }

    pub(crate) fn period(&self, i: usize) -> Period {
        Period {
            year: self.year(i),
            month: self.month(i),
        }
    }

    /// The summed value (0 for a null sum).
    pub(crate) fn v(&self, i: usize) -> f64 {
        opt_f64(&self.v, i).unwrap_or(0.0)
    }

    /// The row's flow (import for anything but `export`; the store holds only the two).
    pub(crate) fn flow(&self, i: usize) -> Flow {
        match &self.flow {
            Some(f) if f.value(i) == "export" => Flow::Export,
            _ => Flow::Import,
        }
    }
}
