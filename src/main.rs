// mimalloc instead of glibc's malloc: `scholia check` and the server's
// indexing allocate from several threads at once, where glibc's arenas
// spent about 14 % of check's CPU in malloc/free (BENCHMARKS.md). Only the
// binary sets it; the library, its tests and the fuzz targets keep the
// system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(scholia::cli::main());
}
