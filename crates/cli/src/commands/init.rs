use std::process::ExitCode;

use anyhow::Context;
use entente_store::OpenMode;

use super::Ctx;

pub const CONFIG_FILE: &str = "config.toml";

const DEFAULT_CONFIG: &str = "\
# entente data directory settings
[ingest]
# Inputs larger than this many bytes are refused (override with --max-bytes).
max_bytes = 52428800
";

pub fn run(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let repo = ctx.open(OpenMode::ReadWrite)?;
    let config = ctx.data_dir.join(CONFIG_FILE);
    if !config.exists() {
        std::fs::write(&config, DEFAULT_CONFIG)
            .with_context(|| format!("writing {}", config.display()))?;
    }
    if !ctx.quiet {
        println!(
            "data directory {} ready: {} sources, {} indexed",
            ctx.data_dir.display(),
            repo.store().count_sources()?,
            repo.index().num_docs()
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    ingest: IngestConfig,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct IngestConfig {
    max_bytes: Option<u64>,
}

/// `max_bytes` from the data directory's config.toml, if set.
pub fn configured_max_bytes(ctx: &Ctx) -> anyhow::Result<Option<u64>> {
    let path = ctx.data_dir.join(CONFIG_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let config: Config =
        toml::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    Ok(config.ingest.max_bytes)
}
