//! An archive's default layout: `boardpack.toml` at the archive's root
//! (`layout = "../branding"`, relative to the archive), or the
//! `BOARDPACK_LAYOUT` environment variable. Sign-off uses it when no
//! `--layout` is given, and warns when the layout it signs off in is not
//! the one the drafts were likely built in.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::pack::archive::Manifest;
use crate::pack::signoff::{layout_label, layout_sha256};
use crate::render::document::{Layout, LayoutError};

/// The archive's settings file, at its root.
pub const SETTINGS: &str = "boardpack.toml";
/// The environment variable naming the default layout.
pub const LAYOUT_ENV: &str = "BOARDPACK_LAYOUT";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    /// The layout folder (or `.typ`), relative to the archive.
    layout: Option<PathBuf>,
}

/// Why the archive's settings could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read {}: {source}", .path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not the archive's settings: expected one line such as layout = \"../branding\" (the default layout's folder, relative to the archive), found: {why}", .path.display())]
    Invalid { path: PathBuf, why: String },
    #[error("the default layout {} (named by {from}) cannot be used: {source}; fix {from}, or give --layout", .path.display())]
    Layout {
        path: PathBuf,
        from: String,
        #[source]
        source: LayoutError,
    },
}

/// A layout and where it was named.
#[derive(Debug, Clone)]
pub struct Named {
    pub layout: Layout,
    /// `--layout`, `BOARDPACK_LAYOUT`, `archive/boardpack.toml`, or
    /// `no --layout and no default` for the built-in one.
    pub from: String,
}

/// The archive's own default layout, from its `boardpack.toml`, if it
/// names one: its path (resolved against the archive) and the file's.
pub fn archive_default(archive: &Path) -> Result<Option<(PathBuf, PathBuf)>, SettingsError> {
    let path = archive.join(SETTINGS);
    use crate::pack::limits::{read_within, MAX_SETTINGS_BYTES};
    let read = read_within(&path, SETTINGS, MAX_SETTINGS_BYTES, true)
        .and_then(|b| String::from_utf8(b).map_err(std::io::Error::other));
    let text = match read {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(SettingsError::Unreadable { path, source }),
    };
    let settings: Settings = toml::from_str(&text).map_err(|e| SettingsError::Invalid {
        path: path.clone(),
        why: e.message().to_string(),
    })?;
    Ok(settings.layout.map(|l| (lexical(&archive.join(l)), path)))
}

/// `archive/../branding` → `branding`: `..` taken away with the folder
/// before it, as written (no link is followed), so the layout is named as
/// people would name it.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

/// `the built-in layout`, `the layout branding`.
fn phrase(layout: &Layout) -> String {
    if layout.is_builtin() {
        "the built-in layout".into()
    } else {
        format!("the layout {}", layout_label(layout))
    }
}

/// The default layout named by `BOARDPACK_LAYOUT`, if set.
pub fn env_default() -> Option<PathBuf> {
    std::env::var_os(LAYOUT_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn read(path: &Path, from: &str) -> Result<Named, SettingsError> {
    Layout::read(path)
        .map(|layout| Named {
            layout,
            from: from.to_string(),
        })
        .map_err(|source| SettingsError::Layout {
            path: path.to_path_buf(),
            from: from.to_string(),
            source,
        })
}

/// The layout to sign off in, and the warnings on it: `flag` (already
/// read) if given, else `BOARDPACK_LAYOUT`, else the archive's
/// `boardpack.toml`, else the built-in layout. A warning when a default
/// that is not used names another layout; with no default at all, when the
/// archive's latest pack (`latest`, of any period) was signed off in
/// another layout.
pub fn choose(
    flag: Option<Layout>,
    archive: &Path,
    latest: Option<&Manifest>,
) -> Result<(Named, Vec<String>), SettingsError> {
    let env = env_default();
    let from_archive = archive_default(archive)?;
    let mut defaults: Vec<(PathBuf, String)> = Vec::new();
    if let Some(p) = env {
        defaults.push((p, LAYOUT_ENV.to_string()));
    }
    if let Some((p, file)) = from_archive {
        defaults.push((p, file.display().to_string()));
    }
    let (used, rest) = match flag {
        Some(layout) => (
            Named {
                layout,
                from: "--layout".into(),
            },
            &defaults[..],
        ),
        None => match defaults.split_first() {
            Some(((path, from), rest)) => (read(path, from)?, rest),
            None => (
                Named {
                    layout: Layout::default(),
                    from: "no --layout and no default layout".into(),
                },
                &defaults[..],
            ),
        },
    };
    let used_hash = layout_sha256(&used.layout);
    let mut warnings = Vec::new();
    for (path, from) in rest {
        match Layout::read(path) {
            Ok(other) if layout_sha256(&other) == used_hash => {}
            Ok(other) => warnings.push(format!(
                "the pack is signed off in {} (from {}), not in the default layout {} named by {from}: drafts built with the default look different; if that is not meant, {}",
                phrase(&used.layout),
                used.from,
                layout_label(&other),
                if used.from == "--layout" {
                    "leave out --layout to sign off in the default".to_string()
                } else {
                    format!("sign off with --layout {}", path.display())
                }
            )),
            Err(e) => warnings.push(format!(
                "the default layout {} named by {from} cannot be read ({e}), so it cannot be told whether {} is the drafts'",
                path.display(),
                phrase(&used.layout)
            )),
        }
    }
    if defaults.is_empty() {
        if let Some(m) = latest.filter(|m| m.layout_sha256 != used_hash) {
            warnings.push(format!(
                "the pack is signed off in {} ({}), but the archive's latest pack ({} v{}) was signed off in another layout (sha256 {}): if the drafts were built with --layout, sign off with the same --layout, and name it in {} as the archive's default (layout = \"FOLDER\")",
                phrase(&used.layout),
                used.from,
                m.period,
                m.version,
                &m.layout_sha256[..m.layout_sha256.len().min(12)],
                archive.join(SETTINGS).display()
            ));
        }
    }
    Ok((used, warnings))
}
