fn main() -> std::process::ExitCode {
    acr_inject::app::main()
}
