//! A regular file handed to `sys::readable` / `sys::writable`: the OS poller does not take
//! one, and the error says so (rather than epoll's bare "Operation not permitted").

use corogen::exec::{self, Reply, SysCall, sys};
use corogen::prelude::*;
use std::fs::File;
use std::io::{self, ErrorKind, Read};

#[generator(yield = SysCall, send = Reply)]
fn read_file(mut file: File) -> (io::Error, io::Error, String) {
    let readable = yield_from!(sys::readable(&file)).unwrap_err();
    let writable = yield_from!(sys::writable(&file)).unwrap_err();
    // The file is still there to read directly, and its wait left nothing behind.
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    (readable, writable, text)
}

#[test]
fn waiting_on_a_regular_file_says_that_regular_files_cannot_be_polled() {
    let dir = std::env::temp_dir().join(format!("corogen-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("data.txt");
    std::fs::write(&path, "some text").unwrap();
    let (readable, writable, text) = exec::run(read_file(File::open(&path).unwrap())).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    for error in [readable, writable] {
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        assert!(
            error
                .to_string()
                .contains("regular files and directories cannot be polled"),
            "{error}"
        );
    }
    assert_eq!(text, "some text");
}
