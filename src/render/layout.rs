//! Layouts: the built-in dashboard, a single `.typ` file, or a folder — a
//! force's branded layout: `main.typ` with its assets (images, further
//! `.typ` files, `theme.json`). A folder is read whole into memory and is
//! the layout's only file system: Typst sees its files by their path from
//! the folder (`image("/logo.svg")`) beside the pack's own data
//! (`/records.json`, `/render.json`, `/charts/…`), and nothing else.
//!
//! A layout also travels as a *bundle*: a deterministic zip of its files,
//! which a signed-off pack carries so that `verify` can rebuild it.
//!
//! Enters: a path, or a bundle's bytes. Leaves: a [`Layout`].

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use crate::render::theme::{self, Theme};
use crate::render::world::LayoutError;

/// The palette's file in the layout's world.
pub const THEME_FILE: &str = "/theme.json";

/// The built-in layout.
pub const DASHBOARD_LAYOUT: &str = include_str!("../../layouts/dashboard.typ");

/// The file a layout folder's Typst starts from.
pub const MAIN: &str = "main.typ";

/// The most files and bytes a layout folder may hold: far above a layout
/// with a few logos, low enough that a wrong folder is refused quickly.
pub const MAX_FILES: usize = 200;
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;

/// A layout to compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Shown in diagnostics, e.g. `layouts/dashboard.typ`.
    pub name: String,
    pub source: String,
    /// The folder's other files, by their path from the folder
    /// (`/logo.svg`, `/theme.json`); empty for a single file.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            name: "layouts/dashboard.typ".into(),
            source: DASHBOARD_LAYOUT.into(),
            files: BTreeMap::new(),
        }
    }
}

fn error(message: String) -> LayoutError {
    LayoutError {
        diagnostics: vec![message],
    }
}

/// The files every build writes into the layout's world itself (what
/// `--emit-typst` writes beside `main.typ`): a layout folder's copies are
/// not read, so that an ejected project is a layout folder as it stands.
/// The fonts are the embedded ones whatever the folder holds.
pub const PACK_DATA: [&str; 5] = [
    "/records.json",
    "/render.json",
    "/charts/",
    "/attachments/",
    "/fonts/",
];

pub(crate) fn is_pack_data(path: &str) -> bool {
    PACK_DATA
        .iter()
        .any(|p| path == *p || (p.ends_with('/') && path.starts_with(p)))
}

impl Layout {
    /// Reads a layout: a `.typ` file, or a folder holding `main.typ`.
    pub fn read(path: &Path) -> Result<Layout, LayoutError> {
        let io =
            |e: std::io::Error| error(format!("cannot read the layout {}: {e}", path.display()));
        if !path.is_dir() {
            // A regular file only (a FIFO fed without end is refused), its
            // size checked before it is read.
            let bytes =
                crate::files::read_regular(path, "the layout", MAX_BYTES, true).map_err(io)?;
            let source = String::from_utf8(bytes)
                .map_err(|_| error(format!("{} is not UTF-8 text", path.display())))?;
            return Ok(Layout {
                name: path.display().to_string(),
                source,
                files: BTreeMap::new(),
            });
        }
        let mut files = BTreeMap::new();
        let mut total = 0u64;
        let mut stack = vec![path.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).map_err(io)? {
                let entry = entry.map_err(io)?;
                let kind = entry.file_type().map_err(io)?;
                let p = entry.path();
                let rel = p.strip_prefix(path).expect("under the folder");
                let rel = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
                if rel.split('/').any(|part| part.starts_with('.')) || is_pack_data(&rel) {
                    continue; // .git, editor backups; an ejected pack's data
                }
                if kind.is_dir() {
                    stack.push(p);
                } else if kind.is_file() {
                    // Its size before it is read: a file that would take
                    // the folder over its limit is never read.
                    let size = entry.metadata().map_err(io)?.len();
                    if total + size > MAX_BYTES {
                        return Err(error(format!(
                            "the layout folder {} holds {} of {size} bytes, more than a layout folder may hold ({MAX_BYTES} bytes in all): it was not read; take it out of the folder, or name the folder that holds main.typ",
                            path.display(),
                            &rel[1..]
                        )));
                    }
                    let bytes = crate::files::read_regular(&p, &rel[1..], MAX_BYTES - total, false)
                        .map_err(io)?;
                    // An image's size from its header, before Typst decodes it.
                    let folder = format!("{}/", path.display());
                    if let Some(why) =
                        crate::render::budget::image_refusal(&folder, &rel[1..], &bytes)
                    {
                        return Err(error(why));
                    }
                    total += bytes.len() as u64;
                    files.insert(rel, bytes);
                }
                // Links are not followed: the folder is the sandbox.
                if files.len() > MAX_FILES || total > MAX_BYTES {
                    return Err(error(format!(
                        "the layout folder {} holds more than {MAX_FILES} files or {MAX_BYTES} bytes: name the folder that holds main.typ",
                        path.display()
                    )));
                }
            }
        }
        let main = files.remove(&format!("/{MAIN}")).ok_or_else(|| {
            error(format!(
                "the layout folder {} has no {MAIN}: a layout folder starts from its main.typ",
                path.display()
            ))
        })?;
        let source = String::from_utf8(main)
            .map_err(|_| error(format!("{}/{MAIN} is not UTF-8 text", path.display())))?;
        Ok(Layout {
            name: path.join(MAIN).display().to_string(),
            source,
            files,
        })
    }

    /// `error` with a hint on each "file not found" whose file is a link
    /// in this layout's folder: links are not followed (the folder is the
    /// layout's sandbox), which Typst's own message does not say.
    pub fn links_explained(&self, mut error: LayoutError) -> LayoutError {
        let Some(folder) = self.name.strip_suffix(MAIN).map(Path::new) else {
            return error;
        };
        for d in &mut error.diagnostics {
            let Some(at) = d.find("file not found (searched at /") else {
                continue;
            };
            let rest = &d[at + "file not found (searched at /".len()..];
            let Some(rel) = rest.split(')').next().map(str::to_string) else {
                continue;
            };
            let path = folder.join(&rel);
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                d.push_str(&format!(
                    "\n  = hint: {} is a symbolic link, and links in a layout folder are not followed (the folder is all the layout sees): copy the file into the folder instead",
                    path.display()
                ));
            } else if !meta.is_file() && !meta.is_dir() {
                // A FIFO or device: never read (it could block or never end).
                d.push_str(&format!(
                    "\n  = hint: {} is {}, not a regular file, and a layout folder's files are read only if they are regular files: put the file itself there",
                    path.display(),
                    crate::files::kind(&meta)
                ));
            }
        }
        error
    }

    /// The layout's palette: its folder's `theme.json`, checked (each
    /// problem named by its field), or the built-in theme.
    pub fn theme(&self) -> Result<Theme, LayoutError> {
        let Some(bytes) = self.files.get(THEME_FILE) else {
            return Ok(theme::theme());
        };
        let folder = self.name.strip_suffix(MAIN).unwrap_or(&self.name);
        Theme::from_json(bytes).map_err(|problems| LayoutError {
            diagnostics: problems
                .into_iter()
                .map(|p| format!("{folder}theme.json: {p}"))
                .collect(),
        })
    }

    /// True for the built-in layout.
    pub fn is_builtin(&self) -> bool {
        self.source == DASHBOARD_LAYOUT && self.files.is_empty()
    }

    /// The layout as one deterministic zip: `main.typ` and every file, in
    /// path order, with fixed timestamps. What a signed-off pack carries.
    pub fn bundle(&self) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        let main = std::iter::once((MAIN.to_string(), self.source.as_bytes()));
        let rest = self
            .files
            .iter()
            .map(|(p, b)| (p.trim_start_matches('/').to_string(), b.as_slice()));
        for (name, bytes) in main.chain(rest) {
            zip.start_file(name, options).expect("writing to memory");
            zip.write_all(bytes).expect("writing to memory");
        }
        zip.finish().expect("writing to memory").into_inner()
    }

    /// A layout from a bundle that a pack carries; `name` is shown in
    /// diagnostics.
    pub fn from_bundle(name: &str, bytes: &[u8]) -> Result<Layout, LayoutError> {
        let bad = |e: String| error(format!("the attached layout {name} cannot be read: {e}"));
        let mut zip =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
        let mut files = BTreeMap::new();
        let mut total = 0u64;
        for i in 0..zip.len().min(MAX_FILES + 1) {
            let mut file = zip.by_index(i).map_err(|e| bad(e.to_string()))?;
            let path = format!("/{}", file.name().map_err(|e| bad(e.to_string()))?);
            let mut content = Vec::new();
            (&mut file)
                .take(MAX_BYTES + 1 - total.min(MAX_BYTES))
                .read_to_end(&mut content)
                .map_err(|e| bad(e.to_string()))?;
            total += content.len() as u64;
            if total > MAX_BYTES || i == MAX_FILES {
                return Err(bad("it is larger than a layout may be".into()));
            }
            if let Some(why) = crate::render::budget::image_refusal("", &path[1..], &content) {
                return Err(bad(why));
            }
            files.insert(path, content);
        }
        let main = files
            .remove(&format!("/{MAIN}"))
            .ok_or_else(|| bad(format!("it has no {MAIN}")))?;
        Ok(Layout {
            name: format!("{name}:{MAIN}"),
            source: String::from_utf8(main).map_err(|_| bad(format!("{MAIN} is not UTF-8")))?,
            files,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_reads_whole_and_round_trips_through_its_bundle() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.typ"), "= Hello").unwrap();
        std::fs::create_dir(dir.path().join("img")).unwrap();
        std::fs::write(dir.path().join("img/logo.svg"), "<svg/>").unwrap();
        std::fs::write(dir.path().join(".hidden"), "x").unwrap();
        let layout = Layout::read(dir.path()).unwrap();
        assert_eq!(layout.source, "= Hello");
        assert_eq!(layout.files.keys().collect::<Vec<_>>(), ["/img/logo.svg"]);
        let bundle = layout.bundle();
        assert_eq!(bundle, layout.bundle(), "the bundle is deterministic");
        let back = Layout::from_bundle("layout.zip", &bundle).unwrap();
        assert_eq!(back.source, layout.source);
        assert_eq!(back.files, layout.files);
    }

    #[test]
    fn a_folder_without_main_typ_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = Layout::read(dir.path()).unwrap_err();
        assert!(e.to_string().contains("has no main.typ"), "{e}");
    }
}
