//! Issue #28: a PDF read by `verify`, `diff` and `build --archive` (the
//! previous period's pack) is inflated within limits: a 1.6 MB PDF whose
//! object streams inflate to 1.5 GB is refused in milliseconds and well
//! under 1 GB (lopdf inflated them whole: 1.57 GB).

mod common;
#[path = "common/measured.rs"]
mod measured;

use measured::refused;
use std::path::Path;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A zlib stream inflating to `mib` MiB of spaces, in about `mib` KB: one
/// full-flushed deflate segment of 1 MiB, repeated (each ends on a byte
/// boundary with the window reset, so the repeats are one valid stream).
fn zlib_bomb(mib: usize) -> Vec<u8> {
    zlib_of(b"  ", mib)
}

/// A zlib stream of `pattern` repeated to `mib` MiB (built as above).
fn zlib_of(pattern: &[u8; 2], mib: usize) -> Vec<u8> {
    let mut c = flate2::Compress::new(flate2::Compression::best(), false);
    let input: Vec<u8> = pattern.iter().copied().cycle().take(1 << 20).collect();
    let mut segment = Vec::with_capacity(1 << 16);
    c.compress_vec(&input, &mut segment, flate2::FlushCompress::Full)
        .unwrap();
    assert_eq!(c.total_in(), 1 << 20);
    let mut out = vec![0x78, 0xda];
    for _ in 0..mib {
        out.extend_from_slice(&segment);
    }
    // The final (empty, fixed-Huffman) block; the checksum is never reached.
    out.extend([0x03, 0x00, 0, 0, 0, 0]);
    out
}

/// A PDF of `objects` (numbered from 1; the first the catalog) with a
/// classic cross-reference table and `trailer_more` in its trailer.
fn pdf(objects: &[Vec<u8>], trailer_more: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R{trailer_more} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend(data);
    out.extend(b"\nendstream");
    out
}

fn catalog() -> Vec<Vec<u8>> {
    vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec(),
    ]
}

/// A 1.6 MB PDF whose object streams inflate to 1.5 GB: one of 1,000 MiB,
/// and one of 500 MiB whose type is written with a `#` escape.
fn object_stream_bomb() -> Vec<u8> {
    let mut objects = catalog();
    objects.push(stream(
        "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
        &zlib_bomb(1000),
    ));
    objects.push(stream(
        "/Type /Obj#53tm /N 1 /First 4 /Filter [/FlateDecode]",
        &zlib_bomb(500),
    ));
    pdf(&objects, "")
}

#[test]
fn a_pdf_whose_object_streams_inflate_to_1_5_gb_is_refused_by_verify_and_diff() {
    let dir = common::dir_with_sample("sample.xlsx");
    let bomb = object_stream_bomb();
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    std::fs::write(dir.path().join("bomb.pdf"), &bomb).unwrap();
    let said = "the PDF's object streams inflate to more than 33554432 bytes (a boardpack pack has none so large)";
    refused(dir.path(), &["verify", "bomb.pdf"], said);
    refused(dir.path(), &["diff", "bomb.pdf", "sample.xlsx"], said);
    refused(dir.path(), &["diff", "sample.xlsx", "bomb.pdf"], said);
}

#[test]
fn a_pdf_whose_cross_reference_stream_inflates_without_end_is_refused() {
    let dir = common::Scratch::new();
    // The cross-reference is a stream (PDF 1.5): lopdf inflated it whole.
    let mut out = b"%PDF-1.7\n".to_vec();
    let catalog_at = out.len();
    out.extend(b"1 0 obj\n<< /Type /Catalog >>\nendobj\n");
    let xref_at = out.len();
    out.extend(b"2 0 obj\n");
    out.extend(stream(
        "/Type /XRef /Size 3 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode",
        &zlib_bomb(1500),
    ));
    out.extend(format!("\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    let _ = catalog_at;
    std::fs::write(dir.path().join("xref.pdf"), &out).unwrap();
    refused(
        dir.path(),
        &["verify", "xref.pdf"],
        "the PDF's cross-reference streams inflate to more than 33554432 bytes",
    );
    // An encrypted PDF: lopdf loads its object streams outside any filter.
    let mut objects = catalog();
    objects.push(b"<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>".to_vec());
    std::fs::write(
        dir.path().join("enc.pdf"),
        pdf(&objects, " /Encr#79pt 3 0 R /ID [<00> <00>]"),
    )
    .unwrap();
    refused(
        dir.path(),
        &["verify", "enc.pdf"],
        "the PDF is encrypted, which a boardpack pack never is",
    );
}

/// The signed sample's PDF in `dir`'s archive `arch`.
fn archived_pdf(dir: &Path) -> std::path::PathBuf {
    std::fs::read_dir(dir.join("arch/2015-12/v1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap()
}

#[test]
fn build_archive_with_a_bomb_planted_as_the_previous_pack_stays_bounded() {
    let dir = common::dir_with_sample("sample.xlsx");
    let signed = common::sign_off(dir.path(), "sample.xlsx", "2016-01-28", "arch", &[]);
    assert!(signed.status.success(), "{}", stderr(&signed));
    common::writable(&dir.path().join("arch"));
    std::fs::write(archived_pdf(dir.path()), object_stream_bomb()).unwrap();
    let next = common::run(
        dir.path(),
        &[
            "next",
            "sample.xlsx",
            "--period-end",
            "2016-03-31",
            "-o",
            "next.xlsx",
        ],
    );
    assert!(next.status.success(), "{}", stderr(&next));
    let name = archived_pdf(dir.path());
    let name = name.file_name().unwrap().to_string_lossy();
    refused(
        dir.path(),
        &["build", "next.xlsx", "--archive", "arch", "-o", "next.pdf"],
        &format!("the last signed-off pack arch/2015-12/v1/{name} cannot be read: the PDF's object streams inflate to more than 33554432 bytes"),
    );
    assert!(!dir.path().join("next.pdf").exists());
}

#[test]
fn a_pdf_of_millions_of_values_is_refused_before_lopdf_makes_an_object_of_each() {
    let dir = common::Scratch::new();
    // 40 MB of `0 0 0 …` in one array: lopdf asked 4.7 GB for it (26 s).
    let mut objects = catalog();
    let mut array = b"[".to_vec();
    array.extend(b"0 ".repeat(20_000_000));
    array.push(b']');
    objects.push(array);
    std::fs::write(dir.path().join("values.pdf"), pdf(&objects, "")).unwrap();
    let said = "the PDF holds more than 2000000 values (numbers, names, brackets; a boardpack pack holds far fewer)";
    refused(dir.path(), &["verify", "values.pdf"], said);
    // The same values in an object stream of 30 MB (under its 32 MB).
    let mut objects = catalog();
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut zlib, &b"0 ".repeat(15 << 20)).unwrap();
    objects.push(stream(
        "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
        &zlib.finish().unwrap(),
    ));
    std::fs::write(dir.path().join("objstm.pdf"), pdf(&objects, "")).unwrap();
    refused(dir.path(), &["verify", "objstm.pdf"], said);
}
