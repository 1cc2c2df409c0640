//! Helpers shared by the integration tests: the real binary in a temporary directory.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled sample inputs, as the README imports them.
pub fn sample_inputs() -> Vec<PathBuf> {
    let s = root().join("samples");
    vec![
        s.join("pages"),
        s.join("dumps/extra.warc.gz"),
        s.join("dumps/extra.jsonl"),
    ]
}

/// Runs `tracuu ARGS` with its working directory in `cwd`.
pub fn tracuu(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tracuu"))
        .args(args)
        .current_dir(cwd)
        .env_remove("TRACUU_INDEX")
        .env("NO_COLOR", "1")
        .output()
        .expect("the tracuu binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temporary directory with the samples imported into `DIR/index`, shared by the tests of
/// one test binary (importing is the slow part).
pub fn imported_samples() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut args: Vec<String> = vec![
            "import".into(),
            "--quiet".into(),
            "--index".into(),
            dir.path().join("index").display().to_string(),
        ];
        args.extend(sample_inputs().iter().map(|p| p.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = tracuu(dir.path(), &args);
        assert!(out.status.success(), "import failed: {}", stderr(&out));
        dir
    })
    .path()
}
