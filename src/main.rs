fn main() {
    std::process::exit(scholia::cli::main());
}
