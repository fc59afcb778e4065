#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| server::fuzzing::mynaportal_csv(data));
