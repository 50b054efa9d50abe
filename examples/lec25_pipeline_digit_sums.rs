//! LEC-25: a single-pass generator pipeline over a file of integers: keep the numbers whose
//! digit sum is divisible by 5 and that are not divisible by 9, then print how many there are
//! and the largest.
//!
//! Each stage pulls one number at a time from the one before, so the file is read lazily,
//! line by line, only while the result is being built.

use corogen::prelude::*;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::pin::pin;

/// `map(int, open(filename))`: the integers in a file, one per line, read as they are needed.
#[generator(yield = u64)]
fn numbers(path: &Path) {
    let file = File::open(path).expect("the input file exists");
    for line in BufReader::new(file).lines() {
        let line = line.expect("the input file is readable");
        yield_!(line.trim().parse().expect("each line is an integer"));
    }
}

/// `(x for x in numbers if sum(map(int, str(x))) % 5 == 0)`.
#[generator(yield = u64)]
fn digit_sum_divisible_by_5(numbers: impl Iterator<Item = u64>) {
    for x in numbers {
        if digit_sum(x).is_multiple_of(5) {
            yield_!(x);
        }
    }
}

/// The sum of the decimal digits of `x`.
fn digit_sum(mut x: u64) -> u64 {
    let mut sum = 0;
    while x > 0 {
        sum += x % 10;
        x /= 10;
    }
    sum
}

/// Writes the deterministic input: 300 numbers, `(i * 7919) % 10007`.
fn write_input(path: &Path) {
    let mut out = File::create(path).expect("the temporary directory is writable");
    for i in 1..=300u64 {
        writeln!(out, "{}", (i * 7919) % 10007).expect("the temporary file is writable");
    }
}

/// Runs the exercise.
pub fn main() {
    let filename = std::env::temp_dir().join(format!("lec25-{}.txt", std::process::id()));
    write_input(&filename);

    let numbers = pin!(numbers(&filename));
    let filtered_numbers = pin!(digit_sum_divisible_by_5(numbers));
    // Nothing has been read yet: the list comprehension drives the whole pipeline.
    let result: Vec<u64> = filtered_numbers.filter(|x| !x.is_multiple_of(9)).collect();
    println!("{} {}", result.len(), result.iter().max().unwrap());
    fs::remove_file(&filename).expect("the temporary file can be removed");
}
