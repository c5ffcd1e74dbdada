//! Runs the `boardpack` binary measuring its peak memory (`wait4`'s
//! maximum resident set) and time, for the tests of issue #28's bounds.
//! Included with `#[path]` by the test binaries that use it.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// What a run of the binary took: its output, its peak resident memory
/// (bytes, from `wait4`) and its time. The run is killed after 60 s.
pub struct Measured {
    pub out: Output,
    pub peak: u64,
    pub took: Duration,
}

/// Runs the binary in `dir` with `args`, measuring its peak memory.
pub fn measured(dir: &Path, args: &[&str]) -> Measured {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args(args)
        .current_dir(dir)
        .env_remove("BOARDPACK_ARCHIVE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let pid = child.id() as libc::pid_t;
    let (mut o, mut e) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        o.read_to_end(&mut text).unwrap();
        text
    });
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            let until = Instant::now() + Duration::from_secs(60);
            while Instant::now() < until {
                if done.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            unsafe { libc::kill(pid, libc::SIGKILL) };
        })
    };
    let mut err = Vec::new();
    e.read_to_end(&mut err).unwrap();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::wait4(pid, &mut status, 0, &mut usage) }, pid);
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    watchdog.join().unwrap();
    std::mem::forget(child); // reaped by wait4
    Measured {
        out: Output {
            status: std::process::ExitStatus::from_raw(status),
            stdout: reader.join().unwrap(),
            stderr: err,
        },
        peak: usage.ru_maxrss as u64 * 1024,
        took: started.elapsed(),
    }
}

/// Asserts the run failed with exit 1, saying `said`, within 10 s and
/// 1 GB; returns the measurement.
pub fn refused(dir: &Path, args: &[&str], said: &str) -> Measured {
    let m = measured(dir, args);
    let err = String::from_utf8_lossy(&m.out.stderr).into_owned();
    eprintln!(
        "{args:?}: {} MB peak, {} ms",
        m.peak >> 20,
        m.took.as_millis()
    );
    assert!(err.contains(said), "{args:?}: {err}");
    assert_eq!(m.out.status.code(), Some(1), "{args:?}: {err}");
    assert!(m.peak < 1 << 30, "{args:?}: peak {} bytes", m.peak);
    assert!(m.took < Duration::from_secs(10), "{args:?}: {:?}", m.took);
    m
}
