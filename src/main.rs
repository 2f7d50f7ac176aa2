use clap::Parser;

fn main() -> std::process::ExitCode {
    acr_inject::app::run(acr_inject::cli::Cli::parse())
}
