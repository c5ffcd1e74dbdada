//! Final packs: a signed-off dashboard is PDF/A-3b and PDF/UA-1, carries a
//! sign-off block, and has its source workbook, its records and its sign-off
//! record attached, so that [`crate::pack::verify`] can rebuild it byte for byte.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::compute::changes::Previous;
use crate::compute::{wording, Computed};
use crate::input::limits::InputLimits;
use crate::pack::copy::WorkbookCopy;
use crate::pipeline::{self, BuildError, Built};
use crate::render::document::{
    Attachment, Layout, LayoutError, RenderOptions, SignOffBlock, DASHBOARD_LAYOUT,
};

/// Name of the attached sign-off record.
pub const SIGN_OFF_ATTACHMENT: &str = "sign-off.json";
/// Name of the attached records.
pub const RECORDS_ATTACHMENT: &str = "records.json";
/// MIME type of an `.xlsx` workbook.
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Who signed off, when and why: everything besides the workbook that the
/// final pack's bytes depend on. Attached to the PDF as `sign-off.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    pub by: String,
    pub role: String,
    /// The sign-off date, ISO in JSON (`2016-01-28`).
    pub date: NaiveDate,
    pub reason: Option<String>,
    /// The workbook's file name, as attached.
    pub workbook: String,
    /// `boardpack 0.1.0`: only the same version reproduces the same bytes.
    pub tool: String,
    /// sha256 of the layout's source (built-in) or bundle (a custom layout).
    pub layout_sha256: String,
    /// The workbook's warnings, accepted at sign-off (`--accept-warnings`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepted_warnings: Vec<String>,
    /// The pack's version in the archive, fixed before the build because
    /// the pack prints it. A record without one is version 1 (records
    /// before versions were printed, and every v1, say nothing).
    #[serde(default = "first_version", skip_serializing_if = "is_first")]
    pub version: u32,
    /// The version this one replaces (v2 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Superseded>,
    /// The earlier signed-off pack whose changes the pack prints ("Changes
    /// since …"), when the archive held one; its records are attached as
    /// [`PREVIOUS_ATTACHMENT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes_since: Option<ChangesSince>,
    /// What the analyst's workbook held that the attached copy does not
    /// (`sheet 'Notes' (hidden)`, `3 comments`, `author names`): the pack
    /// carries only the contract's sheets and their values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
    /// A pack signed with a key (`sign-off --key`): the sha256 of the
    /// signer's certificate, so that the pack says it must carry that
    /// signature (a removed or replaced signature is found).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_sha256: Option<String>,
}

/// The earlier pack a signed-off pack's Changes page compares with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangesSince {
    /// `2015-12`.
    pub period: String,
    pub version: u32,
}

/// Name of the attached records of the earlier pack the Changes page was
/// built from: that pack's `records.json`, byte for byte (its period and
/// version are the sign-off record's `changes_since`).
pub const PREVIOUS_ATTACHMENT: &str = "previous-records.json";

/// The version a sign-off replaces: its number and sign-off date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Superseded {
    pub version: u32,
    pub date: NaiveDate,
}

fn first_version() -> u32 {
    1
}

fn is_first(v: &u32) -> bool {
    *v == 1
}

/// This build of boardpack, as sign-off records name it.
pub fn tool_version() -> String {
    format!("boardpack {}", env!("CARGO_PKG_VERSION"))
}

/// Lower-case hex sha256 of bytes.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl SignOff {
    /// A sign-off by this build of boardpack with the built-in layout.
    pub fn new(
        by: &str,
        role: &str,
        date: NaiveDate,
        reason: Option<&str>,
        workbook: &str,
    ) -> SignOff {
        SignOff {
            by: by.trim().to_string(),
            role: role.trim().to_string(),
            date,
            reason: reason
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty()),
            workbook: workbook.to_string(),
            tool: tool_version(),
            layout_sha256: sha256(DASHBOARD_LAYOUT.as_bytes()),
            accepted_warnings: Vec::new(),
            version: 1,
            supersedes: None,
            changes_since: None,
            left_out: Vec::new(),
            certificate_sha256: None,
        }
    }
}

impl SignOff {
    /// The same sign-off, to be signed with the certificate whose sha256
    /// is `sha256`.
    pub fn signed_with(mut self, sha256: Option<String>) -> SignOff {
        self.certificate_sha256 = sha256;
        self
    }

    /// The same sign-off, accepting the workbook's warnings: they are
    /// listed in the record, which the pack carries.
    pub fn accepting(mut self, warnings: Vec<String>) -> SignOff {
        self.accepted_warnings = warnings;
        self
    }

    /// The same sign-off as version `version`, replacing `previous` (the
    /// archive's latest version of the period, if any).
    pub fn versioned(mut self, version: u32, previous: Option<Superseded>) -> SignOff {
        self.version = version;
        self.supersedes = previous;
        self
    }

    /// The same sign-off, of a pack that prints the changes since
    /// `previous` (the archive's last signed-off pack of an earlier period).
    pub fn comparing(mut self, previous: Option<&Previous>) -> SignOff {
        self.changes_since = previous.map(|p| ChangesSince {
            period: p.period.clone(),
            version: p.version,
        });
        self
    }

    /// The same sign-off, of a pack built with `layout`: its hash is the
    /// layout bundle's (the built-in layout keeps the source's hash).
    pub fn with_layout(mut self, layout: &Layout) -> SignOff {
        self.layout_sha256 = layout_sha256(layout);
        self
    }

    /// The same sign-off, of a pack carrying a copy of the workbook that
    /// leaves these out (see [`crate::pack::copy`]).
    pub fn leaving_out(mut self, left_out: Vec<String>) -> SignOff {
        self.left_out = left_out;
        self
    }
}

/// The hash a sign-off record keeps of a layout: the built-in layout's
/// source, or a custom layout's bundle.
pub fn layout_sha256(layout: &Layout) -> String {
    if layout.is_builtin() {
        sha256(DASHBOARD_LAYOUT.as_bytes())
    } else {
        sha256(&layout.bundle())
    }
}

/// How a layout is named to people: `built-in`, or its folder (or file).
pub fn layout_label(layout: &Layout) -> String {
    if layout.is_builtin() {
        return "built-in".into();
    }
    let name = &layout.name;
    name.strip_suffix(crate::render::layout::MAIN)
        .map(|folder| folder.trim_end_matches(['/', '\\']))
        .filter(|folder| !folder.is_empty())
        .unwrap_or(name)
        .to_string()
}

/// Why a final pack cannot be signed off as built.
#[derive(Debug, thiserror::Error)]
pub enum SignOffError {
    #[error("the copy of {workbook} made to attach to the pack does not give the same {what} as the workbook: this is a bug in boardpack, not in the workbook; nothing was archived; please report it with the workbook")]
    CopyDiffers { workbook: String, what: String },
    #[error("the copy of {workbook} made to attach to the pack does not build ({why}): this is a bug in boardpack, not in the workbook; nothing was archived; please report it with the workbook")]
    CopyFails { workbook: String, why: String },
    #[error(transparent)]
    Copy(#[from] crate::pack::copy::CopyError),
    #[error("the layout {layout} does not attach {} to the pack: a signed-off pack must carry the workbook, records and sign-off record it was built from (and its layout), or nothing can prove it; add to main.typ the loop of the built-in layout: #for a in render.attachments {{ pdf.attach(a.path, relationship: a.relationship, mime-type: a.mime, description: a.description) }} (docs/layouts.md); nothing was archived", .missing.join(", "))]
    NotCarried {
        layout: String,
        missing: Vec<String>,
    },
}

/// The copy of a workbook (named `name`) that its final pack carries and
/// is built from, with the copy's records: only the contract's sheets and
/// their values ([`crate::pack::copy`]), checked to give the records and
/// warnings of the workbook itself (`original`, computed from it).
pub fn copy_checked(
    workbook: &[u8],
    name: &str,
    original: &Computed,
    limits: &InputLimits,
) -> Result<(WorkbookCopy, Computed), SignOffError> {
    use crate::pack::copy::{copy_with, Columns};
    let checked = |columns: Columns| -> Result<(WorkbookCopy, Computed), SignOffError> {
        let copy = copy_with(workbook, name, columns)?;
        let copied =
            pipeline::records_within(&copy.bytes, limits).map_err(|e| SignOffError::CopyFails {
                workbook: name.to_string(),
                why: e.to_string(),
            })?;
        same_as_original(name, original, &copied)?;
        Ok((copy, copied))
    };
    // Only the contract's columns; should the workbook read otherwise
    // without its other columns (one the contract reads that the copy
    // does not know), every column of the contract's sheets.
    checked(Columns::Contract).or_else(|_| checked(Columns::All))
}

/// Checks that the copy of a workbook (its records computed) gives the
/// records and warnings of the workbook itself.
pub fn same_as_original(
    workbook: &str,
    original: &Computed,
    copy: &Computed,
) -> Result<(), SignOffError> {
    let differs = |what: String| SignOffError::CopyDiffers {
        workbook: workbook.to_string(),
        what,
    };
    let (a, b) = (
        serde_json::to_value(&original.records).expect("records serialise"),
        serde_json::to_value(&copy.records).expect("records serialise"),
    );
    if a != b {
        let field = a
            .as_object()
            .zip(b.as_object())
            .and_then(|(a, b)| a.keys().find(|k| a.get(*k) != b.get(*k)).cloned())
            .unwrap_or_default();
        return Err(differs(format!("records (their {field:?} differ)")));
    }
    let text = |c: &Computed| c.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    if text(original) != text(copy) {
        return Err(differs("warnings".into()));
    }
    Ok(())
}

/// Checks that a final pack carries what it was built from: the workbook,
/// the records, the sign-off record and (a custom layout) the layout, each
/// found by its bytes among the PDF's embedded files. A layout without the
/// built-in layout's `pdf.attach` loop is refused here, before anything is
/// archived.
pub fn check_carried(
    built: &Built,
    workbook: &[u8],
    sign_off: &SignOff,
    layout: &Layout,
) -> Result<(), SignOffError> {
    let embedded: Vec<Vec<u8>> = crate::pack::verify::attachments(&built.pdf)
        .map(|files| files.into_iter().map(|(_, bytes)| bytes).collect())
        .unwrap_or_default();
    let mut expected = vec![
        (sign_off.workbook.clone(), workbook.to_vec()),
        (
            RECORDS_ATTACHMENT.to_string(),
            serde_json::to_vec_pretty(&built.records).expect("records serialise"),
        ),
        (
            SIGN_OFF_ATTACHMENT.to_string(),
            serde_json::to_vec_pretty(sign_off).expect("sign-off serialises"),
        ),
    ];
    if !layout.is_builtin() {
        expected.push((LAYOUT_ATTACHMENT.to_string(), layout.bundle()));
    }
    let missing: Vec<String> = expected
        .into_iter()
        .filter(|(_, bytes)| !embedded.contains(bytes))
        .map(|(name, _)| name)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(SignOffError::NotCarried {
            layout: layout_label(layout),
            missing,
        })
    }
}

/// Name of the attached layout bundle (a custom layout only).
pub const LAYOUT_ATTACHMENT: &str = "layout.zip";

/// `28 January 2016`.
fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// The sign-off as the pack prints it.
fn sign_off_block(sign_off: &SignOff) -> SignOffBlock {
    SignOffBlock {
        by: sign_off.by.clone(),
        role: sign_off.role.clone(),
        date: long_date(sign_off.date),
        reason: sign_off.reason.clone(),
        supersedes: sign_off.supersedes.as_ref().map(|p| {
            wording::supersedes(
                sign_off.version,
                p.version,
                &long_date(p.date),
                sign_off.reason.as_deref(),
            )
        }),
    }
}

/// The HTML companion of a final pack: the same records, marked signed
/// off, in the layout's palette.
pub fn final_html(built: &Built, sign_off: &SignOff, layout: &Layout) -> String {
    let options = RenderOptions {
        layout: layout.clone(),
        draft: false,
        date: sign_off.date,
        sign_off: Some(sign_off_block(sign_off)),
        ..RenderOptions::draft(&built.records)
    };
    crate::render::html::render(&built.records, &built.charts, &options)
}

/// Builds the final pack of a workbook with the built-in layout.
pub fn build_final(workbook: &[u8], sign_off: &SignOff) -> Result<Built, BuildError> {
    build_final_within(
        workbook,
        sign_off,
        &Layout::default(),
        &InputLimits::default(),
    )
}

/// As [`build_final`], with `layout`, refusing first a workbook over
/// `limits`. A custom layout is carried in the pack as its bundle.
pub fn build_final_within(
    workbook: &[u8],
    sign_off: &SignOff,
    layout: &Layout,
    limits: &InputLimits,
) -> Result<Built, BuildError> {
    build_final_since(workbook, sign_off, layout, limits, None)
}

/// As [`build_final_within`], printing the changes since `previous` (the
/// records the pack carries as [`PREVIOUS_ATTACHMENT`]).
pub fn build_final_since(
    workbook: &[u8],
    sign_off: &SignOff,
    layout: &Layout,
    limits: &InputLimits,
    previous: Option<&Previous>,
) -> Result<Built, BuildError> {
    let computed = pipeline::while_warming(|| pipeline::records_within(workbook, limits))?;
    Ok(build_final_of(
        workbook, computed, sign_off, layout, previous,
    )?)
}

/// As [`build_final_since`], from the workbook's records computed already
/// (sign-off reads them first for their warnings and period). With
/// `previous`, the pack prints the changes since it, as `build --archive`
/// does, and carries its records so that `verify` rebuilds the same page.
pub fn build_final_of(
    workbook: &[u8],
    mut computed: Computed,
    sign_off: &SignOff,
    layout: &Layout,
    previous: Option<&Previous>,
) -> Result<Built, LayoutError> {
    let previous_attachment = previous.map(|p| {
        pipeline::with_changes(&mut computed, p);
        Attachment {
            name: PREVIOUS_ATTACHMENT.into(),
            bytes: p.bytes.clone(),
            relationship: "supplement".into(),
            mime: "application/json".into(),
            description: format!(
                "The records of the pack for {} (version {}) that the Changes page compares with",
                p.period, p.version
            ),
        }
    });
    let sign_off_json = serde_json::to_vec_pretty(sign_off).expect("sign-off serialises");
    let layout_attachment = (!layout.is_builtin()).then(|| Attachment {
        name: LAYOUT_ATTACHMENT.into(),
        bytes: layout.bundle(),
        relationship: "source".into(),
        mime: "application/zip".into(),
        description: "The layout this pack was built with (main.typ and its files)".into(),
    });
    pipeline::render(computed, |records| {
        let records_json = serde_json::to_vec_pretty(records).expect("records serialise");
        let mut options = final_options(workbook, sign_off, layout, records_json, sign_off_json);
        options.attachments.extend(layout_attachment);
        options.attachments.extend(previous_attachment);
        options
    })
}

/// The render options of a final pack: archival, signed, its workbook,
/// records and sign-off record attached.
fn final_options(
    workbook: &[u8],
    sign_off: &SignOff,
    layout: &Layout,
    records_json: Vec<u8>,
    sign_off_json: Vec<u8>,
) -> RenderOptions {
    let date = sign_off.date;
    RenderOptions {
        layout: layout.clone(),
        draft: false,
        date,
        sign_off: Some(sign_off_block(sign_off)),
        archival: true,
        attachments: vec![
            Attachment {
                name: sign_off.workbook.clone(),
                bytes: workbook.to_vec(),
                relationship: "source".into(),
                mime: XLSX_MIME.into(),
                description: "The workbook this pack was built from".into(),
            },
            Attachment {
                name: RECORDS_ATTACHMENT.into(),
                bytes: records_json,
                relationship: "data".into(),
                mime: "application/json".into(),
                description: "Every figure of the pack, as computed (boardpack records)".into(),
            },
            Attachment {
                name: SIGN_OFF_ATTACHMENT.into(),
                bytes: sign_off_json,
                relationship: "supplement".into(),
                mime: "application/json".into(),
                description: "Who signed the pack off, when, and with which boardpack".into(),
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_people_write_them() {
        assert_eq!(
            long_date(NaiveDate::from_ymd_opt(2016, 1, 8).unwrap()),
            "8 January 2016"
        );
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
