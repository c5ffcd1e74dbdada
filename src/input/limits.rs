//! Guards against hostile files, applied before a workbook is parsed: a size
//! limit on the file, and limits on what its zip parts inflate to (checked
//! by streaming, so a zip bomb is refused quickly and with little memory).
//! The defaults are far above any real force workbook; flags raise them.
//! Enters: the file's size or bytes and the [`InputLimits`]; leaves: nothing,
//! or why the file is [`Refused`].

use std::io::{Cursor, Read};

/// How much a workbook may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputLimits {
    /// The `.xlsx` file itself.
    pub max_file_bytes: u64,
    /// All its parts, inflated.
    pub max_inflated_bytes: u64,
    /// Parts in the zip package.
    pub max_parts: usize,
}

impl Default for InputLimits {
    fn default() -> Self {
        InputLimits {
            max_file_bytes: 50 * 1024 * 1024,
            max_inflated_bytes: 200 * 1024 * 1024,
            max_parts: 10_000,
        }
    }
}

/// Why a file was refused.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("the file is {size} bytes, over the limit of {limit} bytes for a workbook (raise it with --max-workbook-bytes)")]
    TooLarge { size: u64, limit: u64 },
    #[error("the workbook's parts inflate to more than {limit} bytes (a zip bomb, or far larger than any dashboard workbook; raise the limit with --max-inflated-bytes)")]
    InflatesTooMuch { limit: u64 },
    #[error("the workbook has {count} parts, over the limit of {limit}")]
    TooManyParts { count: usize, limit: usize },
    #[error("the workbook's package holds two parts named the same (a damaged or altered file, where a reader could take either copy): open it in Excel and save it again")]
    DuplicatePart,
    #[error("part {part} of the workbook is corrupt: {why}")]
    Corrupt { part: String, why: std::io::Error },
}

/// Checks the size of a file before it is read.
pub fn check_file_size(size: u64, limits: &InputLimits) -> Result<(), Refused> {
    if size > limits.max_file_bytes {
        return Err(Refused::TooLarge {
            size,
            limit: limits.max_file_bytes,
        });
    }
    Ok(())
}

/// Checks a zip package's parts by inflating each as a stream, counting
/// bytes and stopping at the limit; declared sizes are not trusted.
/// Bytes that are not a zip package pass (the reader reports them).
pub fn check_package(bytes: &[u8], limits: &InputLimits) -> Result<(), Refused> {
    check_file_size(bytes.len() as u64, limits)?;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    if zip.len() > limits.max_parts {
        return Err(Refused::TooManyParts {
            count: zip.len(),
            limit: limits.max_parts,
        });
    }
    if zip.has_duplicate_names() {
        return Err(Refused::DuplicatePart);
    }
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = match zip.by_index(i) {
            Ok(p) => p,
            // Encrypted or unsupported parts: the reader explains.
            Err(_) => return Ok(()),
        };
        let declared = part.size();
        if total.saturating_add(declared) > limits.max_inflated_bytes {
            return Err(Refused::InflatesTooMuch {
                limit: limits.max_inflated_bytes,
            });
        }
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        loop {
            match part.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    total += n as u64;
                    if total > limits.max_inflated_bytes {
                        return Err(Refused::InflatesTooMuch {
                            limit: limits.max_inflated_bytes,
                        });
                    }
                }
                Err(why) => return Err(Refused::Corrupt { part: name, why }),
            }
        }
    }
    Ok(())
}
