//! Builders shared by the integration tests.
#![allow(dead_code)]

use hublot_sdc::{Dimension, Keys, RawCell, RawTable, RoaringTreemap};

/// Persons `range`.
pub fn pop(range: std::ops::Range<u64>) -> RoaringTreemap {
    range.collect()
}

/// An N-dimensional table with a margin `all` on every dimension: `sizes[d]`
/// members `m0..` per dimension, inner counts `inner` (row-major), totals
/// computed. With `populations`, inner cell `f` holds persons
/// `f * 1000 .. f * 1000 + count` and totals hold the unions.
#[derive(Debug, Clone)]
pub struct Cube {
    pub names: Vec<String>,
    pub sizes: Vec<usize>,
    pub inner: Vec<u64>,
}

impl Cube {
    pub fn new(sizes: Vec<usize>, inner: Vec<u64>) -> Self {
        assert_eq!(sizes.iter().product::<usize>(), inner.len());
        let names = (0..sizes.len()).map(|d| format!("d{d}")).collect();
        Cube {
            names,
            sizes,
            inner,
        }
    }

    pub fn dimensions(&self) -> Vec<Dimension> {
        self.names
            .iter()
            .zip(&self.sizes)
            .map(|(n, &s)| {
                Dimension::with_margin(n.clone(), "all", (0..s).map(|i| format!("m{i}")))
            })
            .collect()
    }

    /// Every coordinate, with `size` standing for the total.
    pub fn coordinates(&self) -> Vec<Vec<usize>> {
        let mut out = vec![vec![]];
        for &s in &self.sizes {
            out = out
                .into_iter()
                .flat_map(|c| {
                    (0..=s).map(move |i| {
                        let mut c = c.clone();
                        c.push(i);
                        c
                    })
                })
                .collect();
        }
        out
    }

    pub fn keys(&self, coord: &[usize]) -> Keys {
        coord
            .iter()
            .zip(&self.names)
            .zip(&self.sizes)
            .map(|((&i, n), &s)| {
                let v = if i == s {
                    "all".to_string()
                } else {
                    format!("m{i}")
                };
                (n.clone(), v)
            })
            .collect()
    }

    /// Flat indices of the inner cells under `coord`.
    pub fn inner_under(&self, coord: &[usize]) -> Vec<usize> {
        let mut flats = vec![0usize];
        for (d, &s) in self.sizes.iter().enumerate() {
            let choices: Vec<usize> = if coord[d] == s {
                (0..s).collect()
            } else {
                vec![coord[d]]
            };
            flats = flats
                .into_iter()
                .flat_map(|f| choices.iter().map(move |&c| f * s + c))
                .collect();
        }
        flats
    }

    pub fn value(&self, coord: &[usize]) -> u64 {
        self.inner_under(coord).iter().map(|&f| self.inner[f]).sum()
    }

    pub fn population(&self, coord: &[usize]) -> RoaringTreemap {
        self.inner_under(coord)
            .iter()
            .flat_map(|&f| {
                let base = f as u64 * 1000;
                base..base + self.inner[f]
            })
            .collect()
    }

    /// The table of one count measure.
    pub fn push_counts(&self, table: &mut RawTable, measure: &str, populations: bool) {
        for c in self.coordinates() {
            let cell = if populations {
                RawCell::count_with_population(
                    self.keys(&c),
                    measure,
                    self.value(&c),
                    self.population(&c),
                )
            } else {
                RawCell::count(self.keys(&c), measure, self.value(&c))
            };
            table.push(cell);
        }
    }

    pub fn table(&self, measure: &str, populations: bool) -> RawTable {
        let mut t = RawTable::new(self.dimensions());
        self.push_counts(&mut t, measure, populations);
        t
    }
}
