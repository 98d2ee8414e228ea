//! The service alone, for hosts that deploy it without the `tuanthu` CLI (and for the crash
//! test, which kills it): `tuanthu-server --listen ADDR --data DIR [--database URL]
//! [--max-body-bytes N]`. The same as `tuanthu serve`.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut config = tuanthu_server::Config::new(
        std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
        "tuanthu-data".into(),
    );
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let Some(value) = args.next() else {
            eprintln!("error: {flag} needs a value");
            return ExitCode::from(2);
        };
        let ok = match flag.as_str() {
            "--listen" => value.parse().map(|a| config.listen = a).is_ok(),
            "--data" => {
                config.data_dir = value.into();
                true
            }
            "--database" => {
                config.database = Some(value);
                true
            }
            "--max-body-bytes" => value.parse().map(|n| config.max_body_bytes = n).is_ok(),
            _ => false,
        };
        if !ok {
            eprintln!("error: bad argument {flag}; usage: tuanthu-server --listen ADDR --data DIR [--database URL] [--max-body-bytes N]");
            return ExitCode::from(2);
        }
    }
    config.admin_token = std::env::var("TUANTHU_ADMIN_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    match tuanthu_server::run_blocking(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
