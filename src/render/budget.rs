//! The budget a layout compiles within (issue #28): any layout — the
//! built-in one, an analyst's file or folder, or the one a pack carries,
//! which `verify` runs — is Typst code, and Typst has no cancellation: a
//! loop of `range(400000000)` or a string of `"x" * 3000000000` would run
//! or allocate until the machine gave out.
//!
//! - **Time**: each compilation of a pack (its layout rounds and its PDF
//!   export) runs on a thread of its own, and the caller waits at most
//!   [`Budget::seconds`] for it: past that, [`within`] is a
//!   [`LayoutError`] naming the layout. The command then ends (the thread
//!   cannot be stopped; the process ending stops it).
//! - **Memory**: the `boardpack` binary's allocator ([`Counting`]) counts
//!   the bytes held; while a layout compiles, an allocation that would take
//!   them past [`Budget::megabytes`] ends the process at once with a
//!   message naming the layout (exit 1), before the system is asked for
//!   it. (A library user without this allocator has the time budget only.)
//!
//! Both are settable: `--layout-seconds` / `--layout-memory-mb` on any
//! command, or `BOARDPACK_LAYOUT_SECONDS` / `BOARDPACK_LAYOUT_MEMORY_MB`.

use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::render::world::LayoutError;

/// The default time budget of a pack's compilation, seconds: the
/// 300-indicator pack compiles in under 1 s.
pub const DEFAULT_SECONDS: u64 = 8;

/// The default memory budget while a layout compiles, megabytes of the
/// process's heap: the 300-indicator pack peaks at about 210 MB.
pub const DEFAULT_MEGABYTES: u64 = 512;

/// The budget in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub seconds: u64,
    pub megabytes: u64,
}

static SECONDS: AtomicU64 = AtomicU64::new(DEFAULT_SECONDS);
static MEGABYTES: AtomicU64 = AtomicU64::new(DEFAULT_MEGABYTES);

impl Budget {
    /// The budget in force for the process.
    pub fn current() -> Budget {
        Budget {
            seconds: SECONDS.load(Ordering::Relaxed),
            megabytes: MEGABYTES.load(Ordering::Relaxed),
        }
    }

    /// Sets the process's budget (the command line does, from its flags
    /// or environment).
    pub fn set(self) {
        SECONDS.store(self.seconds.max(1), Ordering::Relaxed);
        MEGABYTES.store(self.megabytes.max(1), Ordering::Relaxed);
    }

    /// `8 s and 512 MB`, as the messages say it.
    pub fn said(&self) -> String {
        format!("{} s and {} MB", self.seconds, self.megabytes)
    }
}

/// How to raise the budget, as the messages say it.
pub const RAISE: &str = "--layout-seconds N / --layout-memory-mb N, or BOARDPACK_LAYOUT_SECONDS / BOARDPACK_LAYOUT_MEMORY_MB, raise it";

/// Set once a compilation ran past its deadline: its thread runs on.
static TIMED_OUT: AtomicBool = AtomicBool::new(false);

/// Whether a compilation of this process ran past its time budget (its
/// thread cannot be stopped: `watch` stops rather than build beside it).
pub fn timed_out() -> bool {
    TIMED_OUT.load(Ordering::Relaxed)
}

/// Compilations under way: while any is, the memory budget holds.
static ARMED: AtomicUsize = AtomicUsize::new(0);
/// Bytes the process holds (counted by [`Counting`]).
static HELD: AtomicUsize = AtomicUsize::new(0);
/// Whether [`Counting`] is the process's allocator.
static COUNTING: AtomicBool = AtomicBool::new(false);
/// What the allocator prints when the budget is exceeded: made before a
/// compilation starts, since nothing may be allocated then.
static MESSAGE: Mutex<([u8; 1024], usize)> = Mutex::new(([0; 1024], 0));

/// The `boardpack` binary's allocator: the system's, counting the bytes
/// held, and ending the process (with [`MESSAGE`]) when an allocation
/// made while a layout compiles would take them past the memory budget.
pub struct Counting;

impl Counting {
    #[inline]
    fn admit(size: usize) {
        let held = HELD.fetch_add(size, Ordering::Relaxed) + size;
        if ARMED.load(Ordering::Relaxed) > 0
            && held as u64 > MEGABYTES.load(Ordering::Relaxed) << 20
        {
            over_budget();
        }
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        Self::admit(layout.size());
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: AllocLayout) -> *mut u8 {
        Self::admit(layout.size());
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        unsafe { System.dealloc(ptr, layout) };
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: AllocLayout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            Self::admit(new_size - layout.size());
        } else {
            HELD.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() && new_size > layout.size() {
            HELD.fetch_sub(new_size - layout.size(), Ordering::Relaxed);
        }
        p
    }
}

/// Says [`MESSAGE`] and ends the process, allocating nothing.
#[cold]
fn over_budget() -> ! {
    const GENERIC: &[u8] =
        b"boardpack: error: a layout needed more memory than its budget: it was stopped\n";
    #[cfg(unix)]
    unsafe {
        match MESSAGE.try_lock() {
            Ok(m) if m.1 > 0 => {
                libc::write(2, m.0.as_ptr().cast(), m.1);
            }
            _ => {
                libc::write(2, GENERIC.as_ptr().cast(), GENERIC.len());
            }
        }
        libc::_exit(1)
    }
    #[cfg(not(unix))]
    std::process::abort()
}

/// Tells the budget that [`Counting`] is the allocator (the binary does,
/// first thing).
pub fn counting_allocator() {
    COUNTING.store(true, Ordering::Relaxed);
}

/// Whether the memory budget is enforced in this process.
pub fn memory_enforced() -> bool {
    COUNTING.load(Ordering::Relaxed)
}

/// A deadline for the compilation of `layout` starting now.
#[derive(Debug, Clone)]
pub struct Deadline {
    layout: String,
    until: Instant,
    budget: Budget,
}

impl Deadline {
    pub fn start(layout: &str) -> Deadline {
        let budget = Budget::current();
        Deadline {
            // Named as the messages show it: a carried layout's name comes
            // from a file, and no control character reaches the terminal.
            layout: layout
                .chars()
                .map(|c| if c.is_control() { '?' } else { c })
                .collect(),
            until: Instant::now() + Duration::from_secs(budget.seconds),
            budget,
        }
    }
}

/// Runs `work` (a compilation of the layout, or its export) within the
/// deadline and the memory budget: its result, or a [`LayoutError`] when
/// the deadline passes first.
pub fn within<T: Send + 'static>(
    deadline: &Deadline,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, LayoutError> {
    let budget = deadline.budget;
    let message = format!(
        "boardpack: error: the layout {} needed more than its memory budget of {} MB (a layout's budget: {}; {RAISE}): it was stopped, and nothing was written\n",
        deadline.layout,
        budget.megabytes,
        budget.said()
    );
    {
        let mut m = MESSAGE.lock().unwrap_or_else(|e| e.into_inner());
        let bytes = message.as_bytes();
        let n = bytes.len().min(m.0.len());
        m.0[..n].copy_from_slice(&bytes[..n]);
        m.1 = n;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    ARMED.fetch_add(1, Ordering::SeqCst);
    let spawned = std::thread::Builder::new()
        .name("layout".into())
        // As the main thread's: Typst recurses deeply on nested content.
        .stack_size(64 << 20)
        .spawn(move || {
            struct Disarm;
            impl Drop for Disarm {
                fn drop(&mut self) {
                    ARMED.fetch_sub(1, Ordering::SeqCst);
                }
            }
            let _disarm = Disarm;
            let _ = tx.send(work());
        });
    if let Err(e) = spawned {
        ARMED.fetch_sub(1, Ordering::SeqCst);
        return Err(LayoutError::one(format!(
            "the layout {} could not be compiled: {e}",
            deadline.layout
        )));
    }
    let left = deadline.until.saturating_duration_since(Instant::now());
    match rx.recv_timeout(left) {
        Ok(out) => Ok(out),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            TIMED_OUT.store(true, Ordering::Relaxed);
            Err(LayoutError::one(format!(
            "the layout {} did not finish within its time budget of {} s (a layout's budget: {}; {RAISE}): it was stopped, and nothing was written",
            deadline.layout,
            budget.seconds,
            budget.said()
        )))
        }
        // The thread panicked: a bug in Typst or boardpack.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(LayoutError::one(format!(
            "the layout {} could not be compiled: the Typst engine failed (an internal error; please report it with the layout)",
            deadline.layout
        ))),
    }
}

/// The most pixels an image in a layout may have: a logo or photo of
/// 8000 × 5000 is far over what a page prints; one of 40000 × 40000 would
/// ask 6.4 GB to decode.
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;

/// An image's width and height from its header (PNG, JPEG, GIF, WebP),
/// read before anything is decoded; `None` for anything else.
pub fn image_size(bytes: &[u8]) -> Option<(u64, u64)> {
    let be16 = |i: usize| Some(u16::from_be_bytes(bytes.get(i..i + 2)?.try_into().ok()?) as u64);
    let le16 = |i: usize| Some(u16::from_le_bytes(bytes.get(i..i + 2)?.try_into().ok()?) as u64);
    let be32 = |i: usize| Some(u32::from_be_bytes(bytes.get(i..i + 4)?.try_into().ok()?) as u64);
    let le24 = |i: usize| {
        let b = bytes.get(i..i + 3)?;
        Some(b[0] as u64 | (b[1] as u64) << 8 | (b[2] as u64) << 16)
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some((be32(16)?, be32(20)?));
    }
    if bytes.starts_with(b"GIF8") {
        return Some((le16(6)?, le16(8)?));
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return match bytes.get(12..16)? {
            b"VP8X" => Some((le24(24)? + 1, le24(27)? + 1)),
            b"VP8L" => {
                let b = bytes.get(21..25)?;
                let bits = u32::from_le_bytes(b.try_into().ok()?);
                Some((
                    (bits & 0x3fff) as u64 + 1,
                    ((bits >> 14) & 0x3fff) as u64 + 1,
                ))
            }
            b"VP8 " => Some((le16(26)? & 0x3fff, le16(28)? & 0x3fff)),
            _ => None,
        };
    }
    if bytes.starts_with(b"\xff\xd8") {
        // Markers to the first start of frame (SOF0–SOF15 but DHT, JPG, DAC).
        let mut i = 2;
        while i + 9 < bytes.len() {
            if bytes[i] != 0xff {
                return None;
            }
            let marker = bytes[i + 1];
            if marker == 0xff {
                i += 1;
                continue;
            }
            let len = be16(i + 2)? as usize;
            if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
                return Some((be16(i + 7)?, be16(i + 5)?));
            }
            i += 2 + len;
        }
    }
    None
}

/// The refusal of a layout's image `name` over [`MAX_IMAGE_PIXELS`].
pub fn image_refusal(folder: &str, name: &str, bytes: &[u8]) -> Option<String> {
    let (w, h) = image_size(bytes)?;
    (w.saturating_mul(h) > MAX_IMAGE_PIXELS).then(|| {
        format!(
            "{folder}{name} is an image of {w} × {h} pixels, more than a layout's image may have ({MAX_IMAGE_PIXELS} pixels; decoding it would take {} MB): it was not decoded; save it smaller (a logo needs a few hundred pixels a side)",
            w.saturating_mul(h).saturating_mul(4) >> 20
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_sizes_are_read_from_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(40000u32.to_be_bytes());
        png.extend(30000u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((40000, 30000)));
        let gif = b"GIF89a\x10\x00\x20\x00";
        assert_eq!(image_size(gif), Some((16, 32)));
        // A JPEG: SOI, an APP0 of 16 bytes, SOF0 of 300 high, 200 wide.
        let mut jpeg = b"\xff\xd8\xff\xe0\x00\x10".to_vec();
        jpeg.extend([0u8; 14]);
        jpeg.extend(b"\xff\xc0\x00\x11\x08\x01\x2c\x00\xc8\x03");
        jpeg.extend([0u8; 12]);
        assert_eq!(image_size(&jpeg), Some((200, 300)));
        assert!(image_refusal("lay/", "logo.png", &png)
            .unwrap()
            .starts_with("lay/logo.png is an image of 40000 × 30000 pixels"));
        assert_eq!(image_size(b"<svg/>"), None);
    }
}
