use clap::Parser;
use spec::render::escape;
use std::process::ExitCode;

// Parsing allocates many small strings in parallel; mimalloc makes that
// about a tenth of the run cheaper than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = spec::cli::Cli::parse();
    let cwd = match std::env::current_dir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("error: cannot read the working directory: {e}");
            return ExitCode::from(spec::error::exit::ERROR);
        }
    };
    match spec::run(&cli, &cwd) {
        Ok(outcome) => match spec::emit(&outcome) {
            Ok(()) => ExitCode::from(outcome.code),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(spec::error::exit::ERROR)
            }
        },
        // Errors name what the repository holds (ids, paths): escaped, a line
        // at a time, like every other text for the terminal.
        Err(spec::error::Error::Diagnostics(text)) => {
            for line in text.lines() {
                eprintln!("{}", escape::terminal(line));
            }
            ExitCode::from(spec::error::exit::ERROR)
        }
        Err(e) => {
            eprintln!("error: {}", escape::terminal(&e.to_string()));
            ExitCode::from(spec::error::exit::ERROR)
        }
    }
}
