// mimalloc instead of glibc's malloc: `scholia check` and the server's
// indexing allocate from several threads at once, where glibc's arenas
// spent about 14 % of check's CPU in malloc/free (BENCHMARKS.md). Only the
// binary sets it; the library, its tests and the fuzz targets keep the
// system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option: its place in `mi_option_t`
/// (`mimalloc.h`, the same in mimalloc 2 and 3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Memory the process frees stays with the allocator for reuse instead of
/// going back to the system a second later (mimalloc's default). Giving it
/// back ran inside whichever request came next, with the page faults of
/// taking it again: over ten alternated benchmark runs on the archive the
/// hover p99 was 2.06 ms with it and 1.01 ms without (medians; BENCHMARKS.md,
/// session 6); the cost is about 35 MB more resident memory after the
/// peak. `MIMALLOC_PURGE_DELAY` in the environment still decides when set.
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets an option of the allocator, which any thread may do
        // at any time; -1 is its documented value for "never purge".
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
}

fn main() {
    keep_freed_memory();
    std::process::exit(scholia::cli::main());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_is_the_option_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads an option of the allocator.
        let get = || unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        // mimalloc's default purge delay (1000 ms) at that place: the
        // index names the option meant.
        assert_eq!(get(), 1000);
        keep_freed_memory();
        assert_eq!(get(), -1);
    }
}
